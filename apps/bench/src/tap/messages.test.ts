import { describe, expect, it } from 'vitest';
import { bodyOf, EVENT_TYPES, messageOf } from './messages.ts';

describe('benchmark messages', () => {
  it('pads the JSON body to exactly the requested size', () => {
    for (const i of [0, 7, 99_999, 999_999]) {
      const body = bodyOf(i, 200);
      expect(Buffer.byteLength(body)).toBe(200);
      expect(JSON.parse(body)).toMatchObject({ id: `evt-${i}` });
    }
  });

  it('falls back to the unpadded body when the size is too small for the fields', () => {
    expect(() => JSON.parse(bodyOf(3, 10))).not.toThrow();
  });

  it('carries binary-mode CloudEvents headers over a mix of event types', () => {
    const messages = Array.from({ length: 10 }, (_, i) => messageOf(i, 200));
    expect(messages[0]?.headers).toMatchObject({
      ce_type: 'CardAuthorized',
      ce_source: 'card-service',
      ce_id: 'evt-0',
    });
    expect(new Set(messages.map((m) => m.headers.ce_type))).toEqual(new Set(EVENT_TYPES));
  });
});
