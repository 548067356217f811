// Random choices for made-up business data, from an injected random source.
import { randomUUID } from 'node:crypto';

/** The entry whose cumulative weight first exceeds `r` (weights sum to 1). */
export function pick<T>(weighted: readonly (readonly [T, number])[], r: number): T {
  let acc = 0;
  for (const [value, weight] of weighted) {
    acc += weight;
    if (r < acc) return value;
  }
  const last = weighted.at(-1);
  if (!last) throw new Error('pick from an empty list');
  return last[0];
}

export function oneOf<T>(values: readonly T[], r: number): T {
  const value = values[Math.min(Math.floor(r * values.length), values.length - 1)];
  if (value === undefined) throw new Error('oneOf an empty list');
  return value;
}

/** A unique business id with a readable prefix (ord-…, emp-…); ids never come from the injected random, which
 * tests may make predictable. */
export const newId = (prefix: string) => `${prefix}-${randomUUID()}`;
