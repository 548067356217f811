// Rows as Arrow columns registered with chDB (its Arrow C Data Interface input, `arrowstream('<name>')`) and
// inserted with INSERT … SELECT: no text to parse. Numbers travel as Float64 (exact below 2^53, which every
// integer of an EventRow is) and strings as Utf8; the SELECT casts each column to the table's type.
import { createRequire } from 'node:module';
import type { EventRow } from '@rollcall/core/event';
import type { ArrowColumn } from '@rollcall/core/store';
import type { Column } from './columns.ts';

export type { ArrowColumn };

export interface ArrowRegistry {
  register(connection: unknown, table: string, columns: ArrowColumn[]): void;
  unregister(connection: unknown, table: string): void;
}

export function arrowRegistry(): ArrowRegistry {
  const chdb = createRequire(import.meta.url)('chdb') as {
    _arrowRegisterColumns: (connection: unknown, table: string, columns: ArrowColumn[]) => void;
    _arrowUnregister: (connection: unknown, table: string) => void;
  };
  return { register: chdb._arrowRegisterColumns, unregister: chdb._arrowUnregister };
}

function utf8(name: string, values: string[]): ArrowColumn {
  const offsets = new Int32Array(values.length + 1);
  const parts: Buffer[] = [];
  let at = 0;
  values.forEach((s, i) => {
    const bytes = Buffer.from(s, 'utf8');
    parts.push(bytes);
    offsets[i] = at;
    at += bytes.length;
  });
  offsets[values.length] = at;
  return {
    name,
    format: 'u',
    length: values.length,
    nullCount: 0,
    buffers: [null, Buffer.from(offsets.buffer), Buffer.concat(parts)],
  };
}

function float64(name: string, values: number[]): ArrowColumn {
  const data = Float64Array.from(values);
  return { name, format: 'g', length: values.length, nullCount: 0, buffers: [null, Buffer.from(data.buffer)] };
}

export function arrowColumns(columns: Column[], rows: EventRow[], tapBatch: number, run: number): ArrowColumn[] {
  return columns.map((c) => {
    const values = rows.map((r) => c.value(r, tapBatch, run));
    if (c.kind === 'text') return utf8(c.name, values as string[]);
    // An array of queue names goes as one string, NUL-separated.
    if (c.kind === 'texts')
      return utf8(
        c.name,
        (values as string[][]).map((v) => v.join('\0')),
      );
    return float64(c.name, values as number[]);
  });
}

const CAST: Record<Column['kind'], (name: string) => string> = {
  time: (n) => `fromUnixTimestamp64Milli(toInt64(${n}), 'UTC')`,
  text: (n) => n,
  texts: (n) => `if(empty(${n}), [], splitByChar('\\0', ${n}))`,
  i8: (n) => `toInt8(${n})`,
  u16: (n) => `toUInt16(${n})`,
  i32: (n) => `toInt32(${n})`,
  u32: (n) => `toUInt32(${n})`,
  i64: (n) => `toInt64(${n})`,
  u64: (n) => `toUInt64(${n})`,
};

/** The SELECT list that turns the registered columns into the table's types, in the insert's column order. */
export const arrowSelect = (columns: Column[]): string => columns.map((c) => CAST[c.kind](c.name)).join(', ');
