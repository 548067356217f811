// One timed trial of one variant: a fresh database as the migrations leave it plus the variant's changes, the same
// rows inserted batch by batch with store.ts's settings, then the exactness checks (a replayed batch with its
// token must change nothing) and one timed merge of everything inserted.
import { performance } from 'node:perf_hooks';
import { migrate } from '@rollcall/core/store/migrations';
import { arrowSelect } from './arrow.ts';
import type { Engine, Payload } from './engine.ts';
import { ROLLUP_COLUMNS } from './rollup.ts';
import type { Variant } from './variants.ts';

export interface Trial {
  variant: string;
  round: number;
  rows: number;
  batchRows: number;
  inserts: number;
  wallUsPerRow: number;
  cpuUsPerRow: number;
  insertMsP50: number;
  /** OPTIMIZE FINAL of all the trial's parts into one: the CPU one merge pass costs per row. */
  mergeCpuUsPerRow: number;
  stored: number;
  /** events_per_minute and events_per_hour sums, null where the variant has no rollup view. */
  perMinute: number | null;
  perHour: number | null;
  /** A content hash of the 28 columns (null for variants whose rows differ by design). */
  checksum: string | null;
  exact: boolean;
}

// tap_batch is left out: it numbers the batches, so it differs between batch sizes by design.
const CONTENT = `observed_at, broker_ts, event_at, clock_skew, broker, cluster, stream, routing_key, partition, offset, kind,
  queue, routed_queues, event_type, source, message_id, correlation_id, trace_id, key_hash, size, header_count,
  schema_fingerprint, parse_error, connection, user, delivery_hash, tap_run`;

export async function createDatabase(engine: Engine, db: string, variant: Variant): Promise<void> {
  await engine.command(`CREATE DATABASE ${db}`);
  await engine.command(
    `CREATE TABLE ${db}.schema_migrations (version UInt32, name String, applied_at DateTime DEFAULT now()) ENGINE = MergeTree ORDER BY version`,
  );
  await migrate(
    {
      command: (sql) => engine.command(sql),
      appliedVersions: async () => new Set(),
      record: (version) =>
        engine.command(`INSERT INTO ${db}.schema_migrations (version, name) VALUES (${version}, '')`),
    },
    db,
    { ttlDays: 30 },
  );
  for (const sql of variant.schema(db)) await engine.command(sql);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

export async function runTrial(
  engine: Engine,
  db: string,
  variant: Variant,
  payloads: Payload[],
  rollups: Buffer[] | null,
  opts: { rows: number; batchRows: number; round: number },
): Promise<Trial> {
  const table = `${db}.${variant.table}`;
  const columns = variant.columns.map((c) => c.name);
  const settings = (token: string) => ({
    insert_deduplicate: 1,
    insert_deduplication_token: token,
    deduplicate_blocks_in_dependent_materialized_views: 1,
    max_insert_block_size: Math.max(opts.batchRows, 1_048_576),
    ...variant.settings,
  });
  const insert = async (i: number) => {
    const token = `store-path/${i}`;
    await engine.insert({
      table,
      columns,
      select: variant.format === 'Arrow' ? arrowSelect(variant.columns) : undefined,
      format: variant.format,
      payload: payloads[i] as Payload,
      settings: settings(token),
    });
    const rollup = rollups?.[i];
    if (rollup) {
      await engine.insert({
        table: `${db}.events_per_minute`,
        columns: ROLLUP_COLUMNS,
        format: 'TabSeparated',
        payload: rollup,
        settings: settings(`${token}/minute`),
      });
    }
  };

  const perInsert: number[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < payloads.length; i++) {
    const t = performance.now();
    await insert(i);
    perInsert.push(performance.now() - t);
  }
  const wallMs = performance.now() - t0;
  const insertCpuMs = cpuMs(process.cpuUsage(cpu0));

  await insert(0); // the replay: same payload, same token
  const count = async (sql: string) => Number((await engine.row(sql))[0]);
  const stored = await count(`SELECT count() FROM ${table}`);
  const perMinute = variant.rollups ? await count(`SELECT sum(count) FROM ${db}.events_per_minute`) : null;
  const perHour = variant.rollups ? await count(`SELECT sum(count) FROM ${db}.events_per_hour`) : null;
  const checksum = variant.sameContent
    ? ((await engine.row(`SELECT groupBitXor(cityHash64(${CONTENT})) FROM ${table}`))[0] ?? null)
    : null;

  const mergeCpu0 = process.cpuUsage();
  await engine.command(`OPTIMIZE TABLE ${table} FINAL`);
  const mergeCpuMs = cpuMs(process.cpuUsage(mergeCpu0));

  return {
    variant: variant.id,
    round: opts.round,
    rows: opts.rows,
    batchRows: opts.batchRows,
    inserts: payloads.length,
    wallUsPerRow: (wallMs * 1000) / opts.rows,
    cpuUsPerRow: (insertCpuMs * 1000) / opts.rows,
    insertMsP50: median(perInsert),
    mergeCpuUsPerRow: (mergeCpuMs * 1000) / stored,
    stored,
    perMinute,
    perHour,
    checksum,
    exact: [stored, perMinute ?? opts.rows, perHour ?? opts.rows].every((n) => n === opts.rows),
  };
}
