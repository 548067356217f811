// Handoff benchmark: what it costs kafkajs's thread to hand each fetch's records to a worker thread, the step
// docs/benchmarks.md names for issue 18's targets (the tap's per-record work off the main thread). In one run it
// alternates a bare kafkajs consumer (read and discard, the tap's fetch settings) and the same consumer handing
// every fetch on: an index per record (offset, timestamp, where its key, value and headers are) and one copy of the
// bytes they sit in, transferred to a worker that reads each record's key and its ce_type and ce_source headers and
// counts records per event type and source, the work of the `counts` level. Nothing is stored: this measures the
// handoff, not the tap. Usage: npm run -w @rollcall/bench handoff -- [--partitions N] [--runs N] [--results DIR]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Kafka, logLevel, type Batch } from 'kafkajs';
import { hostAfter, hostBefore } from './load/host.ts';
import { integer, parseFlags } from './load/options.ts';
import { timedConsumer } from './tap/baseline.ts';
import type { PhaseResult } from './tap/meter.ts';
import { prefill } from './tap/prefill.ts';

const MESSAGES = 1_000_000;
const SIZE = 200;
/** Per record: offset, timestamp, then (start, length) of key and value, then (name id, start, length) of up to
 * MAX_HEADERS headers; a start of -1 is an absent key or value. */
const MAX_HEADERS = 8;
const SLOTS = 6 + 3 * MAX_HEADERS;

// The worker is plain JavaScript evaluated from this string: it needs nothing of the repo, and an eval'd worker
// runs the same under tsx and plain node.
const WORKER = `
const { parentPort } = require('node:worker_threads');
const utf8 = new TextDecoder();
const names = [];
const counts = new Map();
parentPort.on('message', ({ id, bytes, index, records, newNames }) => {
  names.push(...newNames);
  const data = new Uint8Array(bytes);
  const at = new Float64Array(index);
  for (let r = 0; r < records; r++) {
    const base = r * ${SLOTS};
    let hash = 0;
    for (let i = at[base + 2], end = i + at[base + 3]; at[base + 2] >= 0 && i < end; i++)
      hash = Math.imul(hash ^ data[i], 2654435761);
    let type = '', source = '';
    for (let h = 0; h < ${MAX_HEADERS}; h++) {
      const slot = base + 6 + 3 * h;
      const name = names[at[slot]];
      if (name === undefined || at[slot + 2] === 0) continue;
      if (name === 'ce_type') type = utf8.decode(data.subarray(at[slot + 1], at[slot + 1] + at[slot + 2]));
      else if (name === 'ce_source') source = utf8.decode(data.subarray(at[slot + 1], at[slot + 1] + at[slot + 2]));
    }
    const key = type + '\\0' + source;
    counts.set(key, (counts.get(key) ?? 0) + 1 + (hash & 0));
  }
  parentPort.postMessage({ id, records });
});`;

interface Options {
  brokers: string[];
  partitions: number;
  runs: number;
  results: string;
}

function options(argv: string[]): Options {
  const values = parseFlags(argv, {
    brokers: { type: 'string', default: '127.0.0.1:9092' },
    partitions: { type: 'string' },
    runs: { type: 'string' },
    results: { type: 'string', default: fileURLToPath(new URL('../results', import.meta.url)) },
  });
  return {
    brokers: values.brokers.split(','),
    partitions: integer('partitions', values.partitions, 1, 1),
    runs: integer('runs', values.runs, 3, 1),
    results: values.results,
  };
}

/** Hands one fetch's records to the worker: their index and one copy of the bytes their views sit in. */
function handOn(batch: Batch, worker: Worker, names: Map<string, number>, id: number): number {
  const records = batch.messages.length;
  const index = new Float64Array(records * SLOTS);
  const views = batch.messages[0]?.value ?? batch.messages[0]?.key;
  if (!views) return 0;
  const buffer = views.buffer;
  let low = Infinity;
  let high = 0;
  const place = (view: Buffer | null, slot: number) => {
    if (!view) {
      index[slot] = -1;
      return;
    }
    // A compressed batch is decoded into buffers of its own: this benchmark's topic is uncompressed.
    if (view.buffer !== buffer) throw new Error('records in more than one buffer (a compressed topic?)');
    index[slot] = view.byteOffset;
    index[slot + 1] = view.length;
    low = Math.min(low, view.byteOffset);
    high = Math.max(high, view.byteOffset + view.length);
  };
  const newNames: string[] = [];
  for (let r = 0; r < records; r++) {
    const m = batch.messages[r] as Batch['messages'][number];
    const base = r * SLOTS;
    index[base] = Number(m.offset);
    index[base + 1] = Number(m.timestamp);
    place(m.key, base + 2);
    place(m.value, base + 4);
    let h = 0;
    for (const name in m.headers) {
      const value = m.headers[name];
      if (!Buffer.isBuffer(value) || h >= MAX_HEADERS) continue;
      let nameId = names.get(name);
      if (nameId === undefined) {
        names.set(name, (nameId = names.size));
        newNames.push(name);
      }
      index[base + 6 + 3 * h] = nameId;
      place(value, base + 7 + 3 * h);
      h++;
    }
  }
  // Starts relative to the copy (an absent key or value keeps -1; an unused header slot has length 0).
  for (let base = 0; base < index.length; base += SLOTS) {
    if (index[base + 2] !== -1) index[base + 2] = (index[base + 2] as number) - low;
    if (index[base + 4] !== -1) index[base + 4] = (index[base + 4] as number) - low;
    for (let h = 0; h < MAX_HEADERS; h++) index[base + 7 + 3 * h] = (index[base + 7 + 3 * h] as number) - low;
  }
  const bytes = (buffer as ArrayBuffer).slice(low, high); // kafkajs's response buffers are never shared
  worker.postMessage({ id, bytes, index: index.buffer, records, newNames }, [bytes, index.buffer]);
  return records;
}

async function phase(kafka: Kafka, topic: string, handoff: boolean): Promise<PhaseResult> {
  const worker = handoff ? new Worker(WORKER, { eval: true }) : undefined;
  const waiting = new Map<number, (records: number) => void>();
  worker?.on('message', ({ id, records }: { id: number; records: number }) => waiting.get(id)?.(records));
  const names = new Map<string, number>();
  let ids = 0;
  const groupId = `rollcall-bench-handoff-${Date.now().toString(36)}`;
  try {
    return await timedConsumer(
      kafka,
      { groupId, topic, messages: MESSAGES, timeoutMs: 300_000 },
      async (batch, progress) => {
        if (!worker) return progress.add(batch.messages.length);
        const id = ++ids;
        // Counted once the worker has read them, as a tap would count them once stored.
        waiting.set(id, (records) => {
          waiting.delete(id);
          progress.add(records);
        });
        handOn(batch, worker, names, id);
      },
    );
  } finally {
    await worker?.terminate();
  }
}

const perMessage = (p: PhaseResult, of: number) => ((of * 1e6) / p.msgPerSec).toFixed(1);

async function main(o: Options) {
  const kafka = new Kafka({ clientId: 'rollcall-bench-handoff', brokers: o.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const host = hostBefore();
  const filled = await prefill(kafka, admin, {
    messages: MESSAGES,
    size: SIZE,
    partitions: o.partitions,
    refill: false,
  });
  const runs: { bare: PhaseResult; handoff: PhaseResult }[] = [];
  for (let i = 0; i < o.runs; i++) {
    const bare = await phase(kafka, filled.topic, false);
    const handoff = await phase(kafka, filled.topic, true);
    if (!bare.complete || !handoff.complete) throw new Error(`run ${i + 1} did not read all ${MESSAGES} records`);
    runs.push({ bare, handoff });
    process.stdout.write(
      `run ${i + 1}/${o.runs}: bare ${Math.round(bare.msgPerSec)} msg/s, handoff ${Math.round(handoff.msgPerSec)} msg/s (${(handoff.msgPerSec / bare.msgPerSec).toFixed(2)})\n`,
    );
  }
  await admin.disconnect();
  const after = hostAfter(host);
  const row = (name: string, p: PhaseResult, bare: PhaseResult) =>
    `| ${name} | ${Math.round(p.msgPerSec).toLocaleString('en-US')} | ${(p.msgPerSec / bare.msgPerSec).toFixed(2)} | ${Math.round(p.eventLoopUtilization * 100)} % | ${perMessage(p, p.eventLoopUtilization)} | ${perMessage(p, p.cpuCores)} |`;
  const lines = [
    '# Handing fetches to a worker thread',
    '',
    'Generated by `npm run -w @rollcall/bench handoff`; do not edit by hand.',
    '',
    `A bare kafkajs consumer with the tap's fetch settings against the same consumer handing each fetch to a worker thread (an index per record and one copy of the bytes the records sit in, transferred; the worker reads each key and the ce_type and ce_source headers and counts per event type and source), over ${MESSAGES.toLocaleString('en-US')} × ${SIZE} B on ${o.partitions} partition(s), uncompressed; nothing is stored. Runs alternate, bare first; a record counts once the worker has read it.`,
    '',
    '| run | phase | msg/s | of bare | main thread busy | main thread µs/msg | process CPU µs/msg |',
    '|---:|---|---:|---:|---:|---:|---:|',
    ...runs.flatMap(({ bare, handoff }, i) => [
      row(`${i + 1} | bare kafkajs`, bare, bare),
      row(`${i + 1} | handed to a worker`, handoff, bare),
    ]),
    '',
    `Host ${after.cores} × ${after.cpu}, ${after.memGiB} GiB, load average ${after.loadAvgBefore.join('/')} before and ${after.loadAvgAfter.join('/')} after; Kafka at ${o.brokers.join(',')} on the same host; topic ${filled.topic}. Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    '',
  ];
  mkdirSync(o.results, { recursive: true });
  writeFileSync(join(o.results, 'handoff.md'), lines.join('\n'));
  writeFileSync(
    join(o.results, 'handoff.json'),
    JSON.stringify({ host: after, partitions: o.partitions, runs }, null, 2),
  );
  process.stdout.write(`wrote ${join(o.results, 'handoff.md')}\n`);
}

await main(options(process.argv.slice(2)));
