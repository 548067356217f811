// The ClickHouse store: embedded chDB by default, a ClickHouse server when clickhouse.url is set.
// Everything above this module talks to @clickhouse/client only, so both paths run the same code.
import { randomInt } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../config/schema.ts';
import type { EventRow, SchemaRow } from '../event.ts';
import { migrate } from './migrations.ts';

export interface Store {
  client: ClickHouseClient;
  db: string;
  embedded: boolean;
  /** Random id of this process's store session, written into every row as tap_run. */
  run: number;
  /** Inserts one batch; a replay with the same token is dropped by ClickHouse, rollups included. */
  insertEvents(rows: EventRow[], token: string, tapBatch: number): Promise<void>;
  insertSchemas(rows: SchemaRow[]): Promise<void>;
  close(): Promise<void>;
}

export class StoreLockedError extends Error {
  override name = 'StoreLockedError';
}

/** chDB's raw insert: the payload goes to the engine's parser as one buffer, not spliced into SQL text. */
type RawInsert = (params: {
  table: string;
  values: Buffer;
  format: 'TabSeparated';
  columns: readonly string[];
  settings: Record<string, string | number>;
}) => Promise<unknown>;

interface Connected {
  client: ClickHouseClient;
  embedded: boolean;
  rawInsert?: RawInsert;
}

async function connect(cfg: Config['clickhouse']): Promise<Connected> {
  if (cfg.url) {
    return {
      client: createClient({ url: cfg.url, username: cfg.user, password: cfg.password, request_timeout: 60_000 }),
      embedded: false,
    };
  }
  const dir = resolve(cfg.data_dir);
  mkdirSync(dir, { recursive: true });
  const { createChdbConnection } = await import('chdb/connection');
  try {
    const chdb = createChdbConnection({ path: dir });
    // chdb types its Connection against its own copy of @clickhouse/client-common; the runtime contract is the same.
    const connection = chdb as unknown as NonNullable<Parameters<typeof createClient>[0]>['connection'];
    return { client: createClient({ connection }), embedded: true, rawInsert: (params) => chdb.chdb.rawInsert(params) };
  } catch (err) {
    throw lockedOr(err, dir);
  }
}

// chDB binds a data path to one process; a second one fails to create its connection ("Cannot lock file
// .../status" goes to stderr, the error only says the connection failed).
function lockedOr(err: unknown, dir: string): unknown {
  const message = err instanceof Error ? err.message : String(err);
  if (/lock|already|Failed to create connection/i.test(message)) {
    return new StoreLockedError(
      `the embedded store at ${dir} is in use by another process (is \`rollcall start\` running with a different api.port?)`,
    );
  }
  return err;
}

const EVENT_COLUMNS = [
  'observed_at',
  'broker_ts',
  'broker',
  'cluster',
  'stream',
  'routing_key',
  'partition',
  'offset',
  'kind',
  'queue',
  'routed_queues',
  'event_type',
  'source',
  'message_id',
  'correlation_id',
  'trace_id',
  'key_hash',
  'size',
  'header_count',
  'schema_fingerprint',
  'parse_error',
  'connection',
  'user',
  'delivery_hash',
  'tap_batch',
  'tap_run',
] as const;

/** One row in EVENT_COLUMNS order: compact rows are a third of the bytes of keyed JSON to build and parse. */
function eventValues(r: EventRow, tapBatch: number, run: number): unknown[] {
  return [
    chTime(r.observed_at),
    chTime(r.broker_ts),
    r.broker,
    r.cluster,
    r.stream,
    r.routing_key,
    r.partition,
    r.offset,
    r.kind,
    r.queue,
    r.routed_queues,
    r.event_type,
    r.source,
    r.message_id,
    r.correlation_id,
    r.trace_id,
    r.key_hash,
    r.size,
    r.header_count,
    r.schema_fingerprint,
    r.parse_error,
    r.connection,
    r.user,
    r.delivery_hash,
    tapBatch,
    run,
  ];
}

export const chTime = (ms: number): string => new Date(ms).toISOString().slice(0, 23).replace('T', ' ');

// The embedded store's insert payload is TabSeparated text built straight from the rows: chDB parses it in about
// two thirds of the CPU that JSONCompactEachRow takes, and building it skips an array and a JSON.stringify per row.
const TSV_SPECIAL = /[\\\t\n\r\0]/;
const TSV_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0' };
const tsvText = (s: string): string =>
  TSV_SPECIAL.test(s) ? s.replace(/[\\\t\n\r\0]/g, (c) => TSV_ESCAPES[c] ?? c) : s;
const tsvArray = (items: string[]): string =>
  items.length === 0 ? '[]' : `[${items.map((s) => `'${tsvText(s).replaceAll("'", "\\'")}'`).join(',')}]`;
const EPOCH = chTime(0);

/** DateTime64(3) as unix seconds with milliseconds (no Date, no ISO string). ClickHouse reads a bare number as a
 * unix time only when it has ten integer digits, so anything outside 2001..2286 goes as text. */
function tsvTime(ms: number): string {
  if (ms === 0) return EPOCH;
  if (!Number.isInteger(ms) || ms < 1e12 || ms >= 1e13) return chTime(ms);
  const frac = ms % 1000;
  return `${(ms - frac) / 1000}.${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}`;
}

/** One row in EVENT_COLUMNS order as a TabSeparated line. */
function eventLine(r: EventRow, tail: string): string {
  return `${tsvTime(r.observed_at)}\t${tsvTime(r.broker_ts)}\t${tsvText(r.broker)}\t${tsvText(r.cluster)}\t${tsvText(r.stream)}\t${tsvText(r.routing_key)}\t${r.partition}\t${r.offset}\t${tsvText(r.kind)}\t${tsvText(r.queue)}\t${tsvArray(r.routed_queues)}\t${tsvText(r.event_type)}\t${tsvText(r.source)}\t${tsvText(r.message_id)}\t${tsvText(r.correlation_id)}\t${tsvText(r.trace_id)}\t${r.key_hash}\t${r.size}\t${r.header_count}\t${r.schema_fingerprint}\t${tsvText(r.parse_error)}\t${tsvText(r.connection)}\t${tsvText(r.user)}\t${r.delivery_hash}\t${tail}\n`;
}

/** The embedded store's insert payload for these rows (exported so the tap benchmark can time this stage alone). */
// Each line is encoded straight into one growing buffer: concatenating the lines first and encoding the result
// costs a rope flatten plus a second pass, about half of this stage's time at 10,000 rows.
export function eventsTsv(rows: EventRow[], tapBatch: number, run: number): Buffer {
  const tail = `${tapBatch}\t${run}`;
  let out = Buffer.allocUnsafe(Math.max(4096, rows.length * 256));
  let used = 0;
  for (const r of rows) {
    const line = eventLine(r, tail);
    // Three bytes per UTF-16 unit is the most UTF-8 can take, so a line that fits this bound is written whole.
    if (used + line.length * 3 > out.length) {
      const grown = Buffer.allocUnsafe(Math.max(out.length * 2, used + line.length * 3));
      out.copy(grown, 0, 0, used);
      out = grown;
    }
    used += out.write(line, used, 'utf8');
  }
  return out.subarray(0, used);
}

export async function openStore(cfg: Config['clickhouse']): Promise<Store> {
  const { client, embedded, rawInsert } = await connect(cfg);
  const db = cfg.database;
  const command = async (query: string) => {
    await client.command({ query });
  };
  try {
    await command(`CREATE DATABASE IF NOT EXISTS ${db}`);
  } catch (err) {
    throw lockedOr(err, resolve(cfg.data_dir));
  }
  await command(
    `CREATE TABLE IF NOT EXISTS ${db}.schema_migrations (version UInt32, name String, applied_at DateTime DEFAULT now()) ENGINE = MergeTree ORDER BY version`,
  );
  await migrate(
    {
      command,
      appliedVersions: async () => {
        const rs = await client.query({ query: `SELECT version FROM ${db}.schema_migrations`, format: 'JSONEachRow' });
        return new Set((await rs.json<{ version: number }>()).map((r) => Number(r.version)));
      },
      record: async (version, name) => {
        await client.insert({ table: `${db}.schema_migrations`, values: [{ version, name }], format: 'JSONEachRow' });
      },
    },
    db,
    { ttlDays: cfg.ttl_days },
  );

  const run = randomInt(1, 2 ** 48);
  return {
    client,
    db,
    embedded,
    run,
    async insertEvents(rows, token, tapBatch) {
      if (rows.length === 0) return;
      const settings = {
        insert_deduplicate: 1,
        insert_deduplication_token: token,
        deduplicate_blocks_in_dependent_materialized_views: 1,
        // One batch must land as one block so its token covers all of it (a day boundary still splits it by
        // partition; ClickHouse then suffixes the token per block, which stays deterministic).
        max_insert_block_size: Math.max(rows.length, 1_048_576),
      } as const;
      if (rawInsert) {
        // Per-insert settings here, unlike clickhouse_settings on chDB, which become session-wide SETs.
        await rawInsert({
          table: `${db}.events`,
          values: eventsTsv(rows, tapBatch, run),
          format: 'TabSeparated',
          columns: EVENT_COLUMNS,
          settings,
        });
        return;
      }
      await client.insert({
        table: `${db}.events`,
        values: rows.map((r) => eventValues(r, tapBatch, run)),
        columns: [...EVENT_COLUMNS] as [string, ...string[]],
        format: 'JSONCompactEachRow',
        clickhouse_settings: { ...settings, max_insert_block_size: String(settings.max_insert_block_size) },
      });
    },
    async insertSchemas(rows) {
      if (rows.length === 0) return;
      await client.insert({
        table: `${db}.schemas`,
        values: rows.map((r) => ({ ...r, first_seen: chTime(r.first_seen) })),
        format: 'JSONEachRow',
      });
    },
    close: () => client.close(),
  };
}
