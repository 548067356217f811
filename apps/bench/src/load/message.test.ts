import { describe, expect, it } from 'vitest';
import { decode, encode, MIN_SIZE, template } from './message.ts';

describe('load message body', () => {
  it('is valid JSON of exactly the requested size, carrying producer, sequence and send time', () => {
    for (const size of [MIN_SIZE, 200, 4096]) {
      const body = encode(template(size), 42, 123_456_789, 1_700_000_000_123.456);
      expect(body.length).toBe(size);
      const json = JSON.parse(body.toString('utf8')) as Record<string, string>;
      expect(json).toMatchObject({ p: '00042', s: '000123456789', t: '1700000000123.456' });
      expect(decode(body)).toEqual({ producer: 42, seq: 123_456_789, sentAt: 1_700_000_000_123.456 });
    }
  });

  it('keeps microseconds when they round across a millisecond', () => {
    expect(decode(encode(template(100), 0, 0, 1_700_000_000_999.9996))?.sentAt).toBe(1_700_000_001_000);
    expect(decode(encode(template(100), 0, 7, 1_700_000_000_000.001))?.sentAt).toBe(1_700_000_000_000.001);
  });

  it('rejects sizes that cannot hold the fields', () => {
    expect(() => template(MIN_SIZE - 1)).toThrow(RangeError);
  });

  it('does not mistake other bodies for load messages', () => {
    expect(decode(Buffer.from('{"hello":"world"}'.padEnd(100, ' ')))).toBeUndefined();
    expect(decode(Buffer.from('x'.repeat(200)))).toBeUndefined();
    const body = encode(template(100), 1, 2, 3);
    body[8] = 0x41; // a letter where a digit belongs
    expect(decode(body)).toBeUndefined();
  });
});
