// Store-path benchmark: where the embedded store's CPU per row goes, variant by variant (see
// tap/store-path/variants.ts). Usage: npm run -w @rollcall/bench store-path -- [--rows N] [--batch N]
// [--rounds N] [--only id,id] [--name store-path] [--results-dir DIR]
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { EventRow } from '@rollcall/core/event';
import { eventsTsv } from '@rollcall/core/store';
import { kafkaRecordToEvent } from '@rollcall/collector/metadata/kafka';
import { collectorConfig } from './tap/collector.ts';
import { messageOf } from './tap/messages.ts';
import { KEYS_INTO_EVENTS, ROW_COLUMNS, native, rowBinary, tsv } from './tap/store-path/columns.ts';
import { arrowColumns } from './tap/store-path/arrow.ts';
import { openEngine, type Payload } from './tap/store-path/engine.ts';
import { rollupTsv } from './tap/store-path/rollup.ts';
import { median, summarise, writeResults, type JsCosts } from './tap/store-path/report.ts';
import { createDatabase, runTrial, type Trial } from './tap/store-path/trial.ts';
import { BASELINE_ID, VARIANTS, type Variant } from './tap/store-path/variants.ts';

const say = (line: string) => process.stdout.write(line + '\n');
const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const count = (name: string, fallback: number) => {
  const n = Number(flag(name) ?? fallback);
  if (!Number.isInteger(n) || n <= 0) throw new TypeError(`--${name} must be a positive integer`);
  return n;
};
const N = count('rows', 200_000);
const BATCH = count('batch', 10_000);
const ROUNDS = count('rounds', 3);
const only = flag('only')?.split(',');
const NAME = flag('name') ?? 'store-path';
const variants = only ? VARIANTS.filter((v) => v.id === BASELINE_ID || only.includes(v.id)) : VARIANTS;

/** The tap's own rows for 200 B CloudEvents on one partition, broker timestamps a little behind observed_at. */
function tapRows(n: number): EventRow[] {
  const extract = collectorConfig({
    brokers: ['127.0.0.1:9092'],
    topic: 'store-path',
    dataDir: '.',
    groupId: 'x',
  }).extract;
  const observedAt = Date.now();
  const ctx = { cluster: 'default', topic: 'store-path', partition: 0, observedAt, extract };
  return Array.from({ length: n }, (_, i) => {
    const m = messageOf(i, 200);
    const headers: Record<string, Buffer> = {};
    for (const [k, v] of Object.entries(m.headers)) headers[k] = Buffer.from(v);
    const record = {
      key: Buffer.from(m.key),
      value: Buffer.from(m.value),
      timestamp: String(observedAt - 5_000 + Math.floor(i / 50)),
      offset: String(i),
      headers,
    };
    return kafkaRecordToEvent(record, ctx).row;
  });
}

const rows = tapRows(N);
const run = randomInt(1, 2 ** 48);
const batchesOf = (size: number) =>
  Array.from({ length: Math.ceil(rows.length / size) }, (_, i) => rows.slice(i * size, (i + 1) * size));

/** Payloads per variant shape, built once: the production bytes from store.ts's eventsTsv where it applies. */
const payloadCache = new Map<string, Payload[]>();
function payloadsFor(v: Variant, batchRows: number): Payload[] {
  const key = `${v.format}|${v.columns.map((c) => c.name).join(',')}|${batchRows}`;
  let payloads = payloadCache.get(key);
  if (!payloads) {
    const encode =
      v.format === 'Arrow'
        ? arrowColumns
        : v.format === 'RowBinary'
          ? rowBinary
          : v.format === 'Native'
            ? native
            : v.columns === ROW_COLUMNS
              ? null
              : tsv;
    payloads = batchesOf(batchRows).map((batch, i) =>
      encode ? encode(v.columns, batch, i + 1, run) : eventsTsv(batch, i + 1, run),
    );
    payloadCache.set(key, payloads);
  }
  return payloads;
}

const rollupCache = new Map<number, Buffer[]>();
function rollupPayloads(batchRows: number): Buffer[] {
  let payloads = rollupCache.get(batchRows);
  if (!payloads) rollupCache.set(batchRows, (payloads = batchesOf(batchRows).map(rollupTsv)));
  return payloads;
}

/** Main-thread µs per row of building one format's payloads for all rows, after a warm-up pass. */
function jsCost(build: (batch: EventRow[], i: number) => Payload): number {
  const batches = batchesOf(BATCH);
  batches.forEach(build);
  const t = performance.now();
  batches.forEach(build);
  return ((performance.now() - t) * 1000) / rows.length;
}

const chdbVersion = (): string => {
  const req = createRequire(import.meta.url);
  const pkg = join(req.resolve('chdb'), '..', 'package.json');
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
};

const loadAvgBefore = loadavg();
const dir = mkdtempSync(join(tmpdir(), 'rollcall-store-path-'));
const engine = openEngine(dir);
const trials: Trial[] = [];
const js: Record<keyof JsCosts, number[]> = {
  eventsTsvUsPerRow: [],
  rowBinaryUsPerRow: [],
  nativeUsPerRow: [],
  arrowUsPerRow: [],
  keysTsvUsPerRow: [],
  rollupUsPerRow: [],
};
try {
  const [engineVersion] = await engine.row('SELECT version()');
  say(
    `store-path: ${N.toLocaleString('en-US')} rows, ${BATCH.toLocaleString('en-US')} per insert, ${ROUNDS} rounds, ${variants.length} variants, ClickHouse ${engineVersion}`,
  );
  for (let round = 1; round <= ROUNDS; round++) {
    js.eventsTsvUsPerRow.push(jsCost((b, i) => eventsTsv(b, i + 1, run)));
    js.rowBinaryUsPerRow.push(jsCost((b, i) => rowBinary(ROW_COLUMNS, b, i + 1, run)));
    js.nativeUsPerRow.push(jsCost((b, i) => native(ROW_COLUMNS, b, i + 1, run)));
    js.arrowUsPerRow.push(jsCost((b, i) => arrowColumns(ROW_COLUMNS, b, i + 1, run)));
    js.keysTsvUsPerRow.push(jsCost((b, i) => tsv(KEYS_INTO_EVENTS, b, i + 1, run)));
    js.rollupUsPerRow.push(jsCost((b) => rollupTsv(b)));
    // Each round starts at a different variant, so a slow spell on the shared host lands on different ones.
    const order = variants.map((_, i) => variants[(i + round - 1) % variants.length] as Variant);
    for (const v of order) {
      const db = `store_path_${round}_${v.id.replaceAll('-', '_')}`;
      const batchRows = v.batchRows ?? BATCH;
      const payloads = payloadsFor(v, batchRows);
      await createDatabase(engine, db, v);
      try {
        const rollups = v.tapRollup ? rollupPayloads(batchRows) : null;
        const t = await runTrial(engine, db, v, payloads, rollups, { rows: N, batchRows, round });
        trials.push(t);
        say(
          `round ${round} ${v.id.padEnd(22)} wall ${t.wallUsPerRow.toFixed(2)} µs/row, cpu ${t.cpuUsPerRow.toFixed(2)} µs/row, ${t.insertMsP50.toFixed(1)} ms/insert, merge ${t.mergeCpuUsPerRow.toFixed(2)} µs/row, stored ${t.stored}${t.exact ? '' : ' NOT EXACT'}`,
        );
      } finally {
        await engine.command(`DROP DATABASE ${db} SYNC`);
      }
    }
  }
} finally {
  engine.close();
  rmSync(dir, { recursive: true, force: true });
}

const { json, md } = writeResults(
  NAME,
  argv.includes('--results-dir')
    ? (flag('results-dir') ?? '.')
    : fileURLToPath(new URL('../results/', import.meta.url)),
  {
    date: new Date().toISOString(),
    command: ['npm run -w @rollcall/bench store-path', ...(argv.length ? ['--', ...argv] : [])].join(' '),
    host: {
      cores: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      chdb: chdbVersion(),
      loadAvgBefore,
      loadAvgAfter: loadavg(),
    },
    rows: N,
    batchRows: BATCH,
    rounds: ROUNDS,
    variants: summarise(variants, trials),
    js: {
      eventsTsvUsPerRow: median(js.eventsTsvUsPerRow),
      rowBinaryUsPerRow: median(js.rowBinaryUsPerRow),
      nativeUsPerRow: median(js.nativeUsPerRow),
      arrowUsPerRow: median(js.arrowUsPerRow),
      keysTsvUsPerRow: median(js.keysTsvUsPerRow),
      rollupUsPerRow: median(js.rollupUsPerRow),
    },
    trials,
  },
);
say(`wrote ${json} and ${md}`);
process.exit(0);
