import { describe, expect, it } from 'vitest';
import { hash53 } from './hash.ts';

describe('hash53', () => {
  // Values computed by the implementation that stored rows were hashed with: a redelivered trace is recognised by
  // its delivery hash, so the hash of given bytes must not change across an upgrade.
  it('gives the values stored hashes were computed with', () => {
    expect(hash53('')).toBe(3338908027751811);
    expect(hash53('publish.orders\u0000{"exchange_name":"orders"}')).toBe(8447391717317641);
    expect(hash53('commande.créée')).toBe(4942705300808096);
    expect(hash53('emoji 🎉 and a lone \ud800 surrogate')).toBe(978416398286097);
    expect(hash53('seeded', 12345)).toBe(8119861550047264);
    expect(hash53(new Uint8Array([0, 255, 128, 7]))).toBe(8559554392156388);
    expect(hash53(new Uint8Array([0, 255, 128, 7]), 2147483646)).toBe(3516548237349438);
  });

  it('hashes text as its UTF-8 bytes, ASCII or not', () => {
    for (const text of ['order.created', 'x'.repeat(600), 'Zürich ✓', '🎉', 'lone \udc00 low', 'ends high \ud83d'])
      expect(hash53(text, 7)).toBe(hash53(new TextEncoder().encode(text), 7));
  });
});
