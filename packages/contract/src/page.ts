// Server-side paging and sorting of long lists (streams, consumer groups): a page of `limit` rows from `offset`
// of the rows that match, ordered by one of the list's sort keys, as the dashboard's tables keep it in the URL.
import { z } from 'zod';

/** `count` ascending, `-count` descending, over the list's own keys. */
export function sortParam<K extends string>(keys: readonly [K, ...K[]]) {
  const allowed = new Set<string>(keys.flatMap((k) => [k, `-${k}`]));
  return z
    .string()
    .refine((s) => allowed.has(s), `expected one of ${keys.join(', ')}, optionally prefixed with - for descending`)
    .transform((s) => ({ key: s.replace(/^-/, '') as K, desc: s.startsWith('-') }));
}

export const pageFields = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .optional()
    .describe('rows per page; every matching row when absent'),
  offset: z.coerce
    .number()
    .int()
    .min(0)
    .max(10_000_000)
    .default(0)
    .describe('rows of the ordered, filtered list to skip'),
};

/** Lists answer with how many rows matched the filters, so a client can page through them. */
export const pagedResponse = { total: z.number().describe('rows matching the filters, before limit and offset') };
