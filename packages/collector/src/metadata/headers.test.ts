import { describe, expect, it } from 'vitest';
import { headersOf, normaliseHeaders } from './headers.ts';

describe('headersOf', () => {
  const raw = (type: string | Buffer) => ({
    ce_type: Buffer.isBuffer(type) ? type : Buffer.from(type),
    ce_id: [Buffer.from('evt-1'), Buffer.from('evt-2')],
    bad: Buffer.from([0xc3, 0x28]),
    nested: { a: 1 },
    count: 3,
  });

  it('reads each name as the normalised headers do', () => {
    const headers = raw('CardAuthorized');
    const normalised = normaliseHeaders(headers).values;
    for (const name of ['ce_type', 'ce_id', 'bad', 'nested', 'count', 'absent'])
      expect([name, headersOf(headers).get(name)]).toEqual([name, normalised.get(name)]);
    expect(headersOf(undefined).get('ce_type')).toBeUndefined();
  });

  it('keeps a repeated value of its own, not a view of a buffer that is used again', () => {
    // kafkajs hands out header values as views of the fetch's response buffer, which is reused afterwards.
    const response = Buffer.from('CardDeclined');
    expect(headersOf(raw(response)).get('ce_type')).toBe('CardDeclined');
    response.write('CardSettled!');
    expect(headersOf(raw(response)).get('ce_type')).toBe('CardSettled!');
    expect(headersOf(raw('CardDeclined')).get('ce_type')).toBe('CardDeclined');
  });

  it('reads ids that never repeat correctly once it stops caching the name', () => {
    for (let i = 0; i < 100; i++) expect(headersOf({ ce_id: Buffer.from(`evt-${i}`) }).get('ce_id')).toBe(`evt-${i}`);
    expect(headersOf({ ce_id: Buffer.from([0xff]) }).get('ce_id')).toBeUndefined();
  });
});
