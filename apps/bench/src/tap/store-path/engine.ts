// The embedded engine as store.ts drives it: one chDB session on a throwaway directory, TabSeparated through the
// session's raw insert (what `connection.chdb.rawInsert` calls), and the binary formats through the same native
// entry point, which chdb's JS layer only whitelists for text formats.
import { createRequire } from 'node:module';
import { Session } from 'chdb';
import type { Format } from './variants.ts';

export interface InsertParams {
  table: string;
  columns: readonly string[];
  format: Format;
  payload: Buffer;
  settings: Record<string, string | number>;
}

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
  return {
    async command(sql) {
      await session.queryAsync(sql);
    },
    async row(sql) {
      const text = (await session.queryAsync(sql, { format: 'TabSeparated' })).text();
      return (text.split('\n')[0] ?? '').split('\t');
    },
    async insert({ table, columns, format, payload, settings }) {
      if (format === 'TabSeparated') {
        await session.insert({ table, values: payload, format, columns, settings });
        return;
      }
      const prefix = `INSERT INTO ${table} (${columns.join(', ')}) SETTINGS ${settingsClause(settings)} FORMAT ${format}`;
      await raw(session.connection, prefix, payload, false);
    },
    close: () => session.close(),
  };
}
