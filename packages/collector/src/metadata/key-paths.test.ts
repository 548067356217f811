import { hash53 } from '@rollcall/core/hash';
import { describe, expect, it } from 'vitest';
import { keyPaths, schemaOfText } from './key-paths.ts';

// What the scan and its cache must reproduce: JSON.parse's verdict, and the sorted paths and their hash computed
// from the parsed value.
const reference = (text: string) => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const paths = keyPaths(json);
  const rootKeys =
    json !== null && typeof json === 'object' && !Array.isArray(json) ? new Set(Object.keys(json)) : undefined;
  return { paths, fingerprint: paths.length ? hash53(paths.join('\n')) : 0, rootKeys };
};

const ofText = (text: string) => schemaOfText(Buffer.from(text));

const nested = (depth: number): unknown => (depth === 0 ? { leaf: 1 } : { [`k${depth}`]: nested(depth - 1) });

describe('schemaOfText', () => {
  it('gives the paths and fingerprint of a fresh computation, on first sight and from the cache', () => {
    const bodies = [
      '{"id":"e-1","amount":5,"merchant":{"id":"m","country":"NL"}}',
      '{"amount":7,"id":"e-2","merchant":{"country":"DE","id":"n"}}', // same keys, another order
      '{"items":[{"sku":1},{"sku":2,"qty":3},{"sku":4}],"n":[1,2,3]}',
      '{"items":[{"sku":1}],"n":[]}',
      '{"items":[],"n":[[{"deep":true}]]}',
      '{"a/b":1,"c~d":{"":2},"é😀":null}',
      '{"a":{"x":1},"a":2}', // a duplicate key: the last value wins, as in JSON.parse
      '{"a\\u0062":1,"ab":{"c":2}}', // an escaped key equal to a plain one
      '[{"a":1},{"b":2},{"a":1}]',
      '"just a string"',
      '{}',
      ' \n{ "spaced" : [ 1 , { "x" : null } ] }\t',
      JSON.stringify(nested(40)), // deeper than the path walk goes
      JSON.stringify(nested(600)), // deeper than the scan goes
      JSON.stringify({ ['k'.repeat(20_000)]: { a: 1 } }), // too long to cache
    ];
    for (let pass = 0; pass < 2; pass++) {
      for (const body of bodies) expect({ body, schema: ofText(body) }).toEqual({ body, schema: reference(body) });
    }
  });

  it('never confuses structures whose keys spell the same characters', () => {
    const shapes = [
      { a: { b: 1 } },
      { 'a{b': 1 },
      { ab: 1 },
      { a: 1, b: 1 },
      { a: [{ b: 1 }] },
      { 'a[': { 'b]': 1 } },
      { a: { b: { c: 1 } } },
      { 'a\u0001b': 1 },
      { a: [[{ b: 1 }]] },
    ];
    const texts = shapes.map((s) => JSON.stringify(s));
    const fingerprints = texts.map((t) => ofText(t)?.fingerprint);
    expect(new Set(fingerprints).size).toBe(shapes.length);
    expect(texts.map((t) => ofText(t)?.fingerprint)).toEqual(fingerprints);
    expect(fingerprints).toEqual(texts.map((t) => reference(t)?.fingerprint));
  });

  it('handles values with more keys than the cache takes like the walk does', () => {
    const wide = JSON.stringify(Object.fromEntries(Array.from({ length: 2500 }, (_, i) => [`k${i}`, i])));
    expect(ofText(wide)).toEqual(reference(wide));
    // Past the key limit the scan stops early; the rest of the text must still be checked.
    expect(ofText(wide.slice(0, -1) + ',}')).toBeUndefined();
  });

  it('reports no keys as fingerprint 0', () => {
    expect(ofText('[1,2,3]')).toMatchObject({ paths: [], fingerprint: 0, rootKeys: undefined });
    expect(ofText('42')).toMatchObject({ paths: [], fingerprint: 0, rootKeys: undefined });
  });

  it('agrees with JSON.parse on what is valid JSON', () => {
    const texts = [
      '',
      ' ',
      '{',
      '}',
      '{"a":1,}',
      '[1,]',
      '[,1]',
      '{"a" 1}',
      '{"a":}',
      '{a:1}',
      "{'a':1}",
      '{"a":1}}',
      '{"a":1} x',
      '{"a":1}{}',
      '01',
      '-',
      '-01',
      '1.',
      '.5',
      '1e',
      '1e+',
      '+1',
      '1.5e-3',
      '-0',
      '1E400',
      '0x10',
      'NaN',
      'Infinity',
      'tru',
      'true',
      'nul',
      'null',
      'falsey',
      '"a\u0001b"',
      '"a\\x"',
      '"\\u12G4"',
      '"\\u00e9"',
      '"\\/"',
      '"tab\tinside"',
      '"line\u2028sep"',
      '"unterminated',
      '"\\"',
      '["a"]  ',
      '/* c */ {}',
      '\uFEFF{}',
      '[[[]]]',
      '[[[]]',
      '{"a":[{"b":{"c":[true,false,null]}}]}',
    ];
    for (const text of texts)
      expect({ text, valid: ofText(text) !== undefined }).toEqual({ text, valid: reference(text) !== undefined });
  });

  it('agrees with JSON.parse and the walk on thousands of generated and mutated texts', () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const keys = ['a', 'b', 'id', 'type', 'x/y', 'n~1', '', 'é', '__proto__', '0', '10'];
    const gen = (depth: number): unknown => {
      const k = depth > 4 ? rand(4) : rand(7);
      if (k === 0) return rand(1000) - 500;
      if (k === 1) return ['s', '', 'q"u\\o\nte', 'ü'][rand(4)];
      if (k === 2) return [true, false, null][rand(3)];
      if (k === 3) return rand(100) / 7;
      if (k === 4) return Array.from({ length: rand(4) }, () => gen(depth + 1));
      return Object.fromEntries(
        Array.from({ length: rand(4) }, () => [keys[rand(keys.length)] as string, gen(depth + 1)]),
      );
    };
    const junk = ['{', '}', '[', ']', ',', ':', '"', '\\', ' ', '1', '-', '.', 'e', 't', 'n', '\u0001'];
    let checked = 0;
    for (let i = 0; i < 4000; i++) {
      let text = JSON.stringify(gen(0), null, rand(3) === 0 ? 1 : undefined) ?? 'null';
      if (i % 2) {
        const at = rand(text.length + 1);
        const edit = rand(3);
        const piece = junk[rand(junk.length)] as string;
        text = text.slice(0, at) + (edit === 0 ? '' : piece) + text.slice(edit === 1 ? at : at + 1);
      }
      expect({ text, schema: ofText(text) }).toEqual({ text, schema: reference(text) });
      checked++;
    }
    expect(checked).toBe(4000);
  });
});
