import { hash53 } from '@rollcall/core/hash';
import { describe, expect, it } from 'vitest';
import { keyPaths, schemaOf } from './key-paths.ts';

// What the cache must reproduce: the sorted paths and their hash, computed from scratch.
const reference = (json: unknown) => {
  const paths = keyPaths(json);
  return { paths, fingerprint: paths.length ? hash53(paths.join('\n')) : 0 };
};

const nested = (depth: number): unknown => (depth === 0 ? { leaf: 1 } : { [`k${depth}`]: nested(depth - 1) });

describe('schemaOf', () => {
  it('gives the paths and fingerprint of a fresh computation, on first sight and from the cache', () => {
    const bodies = [
      '{"id":"e-1","amount":5,"merchant":{"id":"m","country":"NL"}}',
      '{"amount":7,"id":"e-2","merchant":{"country":"DE","id":"n"}}', // same keys, another order
      '{"items":[{"sku":1},{"sku":2,"qty":3},{"sku":4}],"n":[1,2,3]}',
      '{"items":[{"sku":1}],"n":[]}',
      '{"items":[],"n":[[{"deep":true}]]}',
      '{"a/b":1,"c~d":{"":2},"é😀":null}',
      '{"a":{"x":1},"a":2}', // a duplicate key: the last value wins, as in JSON.parse
      '[{"a":1},{"b":2},{"a":1}]',
      '"just a string"',
      '{}',
      JSON.stringify(nested(40)), // deeper than the path walk goes
      JSON.stringify({ ['k'.repeat(20_000)]: { a: 1 } }), // too long to cache
    ];
    for (let pass = 0; pass < 2; pass++) {
      for (const body of bodies) {
        const json: unknown = JSON.parse(body);
        expect({ body, ...schemaOf(json) }).toEqual({ body, ...reference(json) });
      }
    }
  });

  it('never confuses structures whose keys spell the same characters', () => {
    const shapes = [{ a: { b: 1 } }, { 'a{b': 1 }, { ab: 1 }, { a: 1, b: 1 }, { a: [{ b: 1 }] }, { 'a[': { 'b]': 1 } }, { a: { b: { c: 1 } } }, { 'a\u0101b': 1 }];
    const fingerprints = shapes.map((s) => schemaOf(s).fingerprint);
    expect(new Set(fingerprints).size).toBe(shapes.length);
    expect(shapes.map((s) => schemaOf(s).fingerprint)).toEqual(fingerprints);
    expect(fingerprints).toEqual(shapes.map((s) => reference(s).fingerprint));
  });

  it('handles values with more keys than the path limit like the walk does', () => {
    const wide = Object.fromEntries(Array.from({ length: 2500 }, (_, i) => [`k${i}`, i]));
    expect(schemaOf(wide)).toEqual(reference(wide));
  });

  it('reports no keys as fingerprint 0', () => {
    expect(schemaOf([1, 2, 3])).toEqual({ paths: [], fingerprint: 0 });
    expect(schemaOf(42)).toEqual({ paths: [], fingerprint: 0 });
  });
});
