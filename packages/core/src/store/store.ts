// The ClickHouse store: embedded chDB by default, a ClickHouse server when clickhouse.url is set.
// Everything above this module talks to @clickhouse/client only, so both paths run the same code.
import { randomInt } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../config/schema.ts';
import type { AuditLevel } from '../audit.ts';
import type { EventRow, SchemaRow } from '../event.ts';
import type { ArrowBatch } from './arrow-batch.ts';
export type { ArrowColumn } from './arrow-batch.ts';
import { migrate } from './migrations.ts';
import { chTime, countsPayload, insertPayload, type CountRow, type InsertPayload } from './row-formats.ts';

export interface Store {
  client: ClickHouseClient;
  db: string;
  embedded: boolean;
  /** Random id of this process's store session, written into every row as tap_run. */
  run: number;
  /** Inserts one batch as its streams' audit level keeps it (`rows` by default): one row per message into events,
   * or exact counts into event_counts. A replay with the same token is dropped by ClickHouse, rollups included. */
  insertEvents(rows: EventRow[], token: string, tapBatch: number, level?: AuditLevel): Promise<void>;
  /** Inserts exact counts that were not counted from rows (RabbitMQ deliveries read from the management API), with
   * the same deduplication as insertEvents. */
  insertCounts(counts: CountRow[], token: string, tapBatch: number): Promise<void>;
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

/** chDB's Arrow input: the batch's columns registered with the engine and stored by INSERT … SELECT. */
type ArrowInsert = (table: string, columns: readonly string[], batch: ArrowBatch, settings: string) => Promise<void>;

interface Connected {
  client: ClickHouseClient;
  embedded: boolean;
  rawInsert?: RawInsert;
  arrowInsert?: ArrowInsert;
  close?: () => void;
}

interface ChdbArrowInput {
  Session: new (path: string) => { connection: unknown; queryAsync(sql: string): Promise<unknown>; close(): void };
  _arrowRegisterColumns(connection: unknown, table: string, columns: ArrowBatch['columns']): void;
  _arrowUnregister(connection: unknown, table: string): void;
}

/** Arrow inserts run on a session of their own on the same data path (chDB lets sessions of one path coexist),
 * because the columns are registered per connection and the client's connection keeps its session private. */
async function arrowInsertOn(dir: string): Promise<{ insert: ArrowInsert; close: () => void }> {
  const chdb = (await import('chdb')).default as unknown as ChdbArrowInput;
  const session = new chdb.Session(dir);
  let batches = 0;
  return {
    async insert(table, columns, batch, settings) {
      // The engine consumes a registered table once: every insert, a retry too, registers its own.
      const name = `rollcall_insert_${++batches}`;
      chdb._arrowRegisterColumns(session.connection, name, batch.columns);
      try {
        await session.queryAsync(
          `INSERT INTO ${table} (${columns.join(', ')}) SETTINGS ${settings} SELECT ${batch.select} FROM arrowstream('${name}')`,
        );
      } finally {
        chdb._arrowUnregister(session.connection, name);
      }
    },
    close: () => session.close(),
  };
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
    const arrow = await arrowInsertOn(dir);
    return {
      client: createClient({ connection }),
      embedded: true,
      rawInsert: (params) => chdb.chdb.rawInsert(params),
      arrowInsert: arrow.insert,
      close: arrow.close,
    };
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

export {
  chTime,
  COUNTED_FIELDS,
  countRows,
  createCountTally,
  eventsTsv,
  insertPayload,
  KEY_COLUMNS,
  type Counted,
  type CountRow,
  type CountTally,
} from './row-formats.ts';

export async function openStore(cfg: Config['clickhouse']): Promise<Store> {
  const { client, embedded, rawInsert, arrowInsert, close } = await connect(cfg);
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
  const insert = async (payload: InsertPayload, token: string): Promise<void> => {
    const settings = {
      // Synchronous, whatever the engine's or a server profile's default (chDB's is async_insert=1): an async
      // insert deduplicates by other settings, and "stored" must mean stored before the offset is committed.
      async_insert: 0,
      insert_deduplicate: 1,
      insert_deduplication_token: token,
      deduplicate_blocks_in_dependent_materialized_views: 1,
      // One batch must land as one block so its token covers all of it (a day or month boundary still splits it
      // by partition; ClickHouse then suffixes the token per block, which stays deterministic).
      max_insert_block_size: Math.max(payload.rows, 1_048_576),
    } as const;
    const arrow = arrowInsert && payload.arrow?.();
    if (arrowInsert && arrow) {
      await arrowInsert(`${db}.${payload.table}`, payload.columns, arrow, settingsClause(settings));
      return;
    }
    if (rawInsert) {
      // Per-insert settings here, unlike clickhouse_settings on chDB, which become session-wide SETs.
      await rawInsert({
        table: `${db}.${payload.table}`,
        values: payload.tsv(),
        format: 'TabSeparated',
        columns: payload.columns,
        settings,
      });
      return;
    }
    await client.insert({
      table: `${db}.${payload.table}`,
      values: payload.values(),
      columns: [...payload.columns] as [string, ...string[]],
      format: 'JSONCompactEachRow',
      clickhouse_settings: { ...settings, max_insert_block_size: String(settings.max_insert_block_size) },
    });
  };
  return {
    client,
    db,
    embedded,
    run,
    async insertEvents(rows, token, tapBatch, level = 'rows') {
      if (rows.length === 0) return;
      await insert(insertPayload(level, rows, tapBatch, run), token);
    },
    async insertCounts(counts, token, tapBatch) {
      if (counts.length === 0) return;
      await insert(countsPayload(counts, tapBatch, run), token);
    },
    async insertSchemas(rows) {
      if (rows.length === 0) return;
      await client.insert({
        table: `${db}.schemas`,
        values: rows.map((r) => ({ ...r, first_seen: chTime(r.first_seen) })),
        format: 'JSONEachRow',
      });
    },
    async close() {
      close?.();
      await client.close();
    },
  };
}

/** Settings as a query's SETTINGS clause (a per-query clause: chDB's clickhouse_settings would be session-wide).
 * Text values are quoted with every quote, backslash and control byte escaped (a NUL would end the query). */
const settingsClause = (settings: Record<string, string | number>): string =>
  Object.entries(settings)
    .map(([k, v]) => `${k} = ${typeof v === 'number' ? v : sqlString(v)}`)
    .join(', ');

const sqlString = (v: string): string =>
  `'${v.replace(/[\\'\u0000-\u001f]/g, (c) => (c === '\\' || c === "'" ? `\\${c}` : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`))}'`;
