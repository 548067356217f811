// The embedded engine as store.ts drives it: one chDB session on a throwaway directory, TabSeparated through the
// session's raw insert (what `connection.chdb.rawInsert` calls), the binary formats through the same native entry
// point (which chdb's JS layer only whitelists for text formats), and Arrow columns through INSERT … SELECT.
import { createRequire } from 'node:module';
import { Session } from 'chdb';
import { arrowRegistry, type ArrowColumn } from './arrow.ts';
import type { Format } from './variants.ts';

export interface InsertParams {
  table: string;
  columns: readonly string[];
  format: Format;
  payload: Payload;
  /** Arrow payloads: the SELECT list that casts the registered columns (arrow.ts's arrowSelect). */
  select?: string;
  settings: Record<string, string | number>;
}

/** A batch encoded for one format: bytes, or Arrow columns for the Arrow path. */
export type Payload = Buffer | ArrowColumn[];

export interface Engine {
  command(sql: string): Promise<void>;
  /** The first row of a query, as TabSeparated fields. */
  row(sql: string): Promise<string[]>;
  insert(params: InsertParams): Promise<void>;
  close(): void;
}

type NativeInsert = (connection: unknown, prefix: string, payload: Buffer, countLines: boolean) => Promise<unknown>;

function nativeInsert(): NativeInsert {
  const chdbRequire = createRequire(createRequire(import.meta.url).resolve('chdb'));
  const loaded: unknown = (chdbRequire('./dist/loader.js') as { loadNative: () => unknown }).loadNative();
  const fn = (loaded as { InsertRawAsyncConnection?: unknown }).InsertRawAsyncConnection;
  if (typeof fn !== 'function') throw new Error('chdb native binding has no InsertRawAsyncConnection');
  return fn as NativeInsert;
}

const settingsClause = (settings: Record<string, string | number>) =>
  Object.entries(settings)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? v : `'${v.replace(/[\\']/g, (c) => `\\${c}`)}'`}`)
    .join(', ');

export function openEngine(dir: string): Engine {
  const session = new Session(dir);
  const raw = nativeInsert();
  const arrow = arrowRegistry();
  let registered = 0;
  return {
    async command(sql) {
      await session.queryAsync(sql);
    },
    async row(sql) {
      const text = (await session.queryAsync(sql, { format: 'TabSeparated' })).text();
      return (text.split('\n')[0] ?? '').split('\t');
    },
    async insert({ table, columns: names, format, payload, settings, select }) {
      if (Array.isArray(payload)) {
        // The engine consumes a registered table once, so every insert (a replay too) registers its own.
        const name = `store_path_batch_${++registered}`;
        arrow.register(session.connection, name, payload);
        try {
          await session.queryAsync(
            `INSERT INTO ${table} (${names.join(', ')}) SETTINGS ${settingsClause(settings)} SELECT ${select ?? names.join(', ')} FROM arrowstream('${name}')`,
          );
        } finally {
          arrow.unregister(session.connection, name);
        }
        return;
      }
      if (format === 'TabSeparated') {
        await session.insert({ table, values: payload, format, columns: names, settings });
        return;
      }
      const prefix = `INSERT INTO ${table} (${names.join(', ')}) SETTINGS ${settingsClause(settings)} FORMAT ${format}`;
      await raw(session.connection, prefix, payload, false);
    },
    close: () => session.close(),
  };
}
