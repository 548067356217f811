import { describe, expect, it } from 'vitest';
import { eventRow } from '../testing/event-row.ts';
import { arrowBatch, type ArrowColumn } from './arrow-batch.ts';

/** A UTF-8 column's values, read back the way the engine reads them: offsets into one buffer. */
function texts(column: ArrowColumn): string[] {
  const offsets = new Int32Array((column.buffers[1] as Buffer).buffer.slice(0), 0, column.length + 1);
  const data = column.buffers[2] as Buffer;
  return Array.from({ length: column.length }, (_, i) => data.subarray(offsets[i], offsets[i + 1]).toString('utf8'));
}

describe('arrowBatch text columns', () => {
  it('writes every value exactly: repeats, repeats across an empty value, non-ASCII, long and short text', () => {
    const long = 'x'.repeat(70) + 'ü';
    const values = [
      'CardAuthorized',
      'CardAuthorized',
      '',
      'CardAuthorized',
      'Zahlung€',
      'Zahlung€',
      long,
      long,
      'a',
      '😀',
    ];
    const rows = values.map((event_type, i) => eventRow(1_765_000_000_000 + i, { event_type, offset: i }));
    const batch = arrowBatch(rows, ['event_type'], 1, 1);
    expect(texts(batch?.columns[0] as ArrowColumn)).toEqual(values);
  });

  it('grows its buffer for a batch of long values', () => {
    const values = Array.from({ length: 300 }, (_, i) => `${i}`.padEnd(60, 'é'));
    const rows = values.map((source, i) => eventRow(1_765_000_000_000 + i, { source, offset: i }));
    expect(texts(arrowBatch(rows, ['source'], 1, 1)?.columns[0] as ArrowColumn)).toEqual(values);
  });
});
