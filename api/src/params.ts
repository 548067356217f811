// Query-parameter schemas shared by several routes, validated once at the route edge.
import { z } from 'zod';
import { DURATION_HINT, parseDuration } from '@rollcall/core/duration';

const MAX_RANGE_MS = 400 * 86_400_000;

export const durationParam = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: `expected ${DURATION_HINT}` });
    return z.NEVER;
  }
  return ms;
});

/** ISO-8601 or epoch milliseconds. */
export const instantParam = z.string().transform((text, ctx) => {
  const ms = /^\d{10,16}$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: 'expected an ISO-8601 time (2026-11-23T08:00:00Z) or epoch milliseconds' });
    return z.NEVER;
  }
  return ms;
});

export const brokerParam = z.enum(['kafka', 'rabbitmq']);

export type TimeRange = { from: number; to: number };

const rangeFields = {
  range: durationParam.optional().describe('how far back from now, e.g. 15m, 1h, 7d (default 1h)'),
  from: instantParam.optional().describe('start of a fixed range (with `to`)'),
  to: instantParam.optional().describe('end of the range (default now)'),
};

/** `range` back from `to` (default now), or an explicit from/to. */
export function resolveRange(q: { range?: number | undefined; from?: number | undefined; to?: number | undefined }, now: number, fallback = 3_600_000): TimeRange {
  const to = q.to ?? now;
  const from = q.from ?? to - (q.range ?? fallback);
  return { from, to };
}

type RangeFields = { range?: number | undefined; from?: number | undefined; to?: number | undefined };

function checkRange(q: RangeFields, ctx: z.RefinementCtx): void {
  if (q.range !== undefined && q.from !== undefined) ctx.addIssue({ code: 'custom', path: ['range'], message: 'give either range or from/to, not both' });
  const to = q.to ?? Date.now();
  const from = q.from ?? to - (q.range ?? 0);
  if (q.from !== undefined && from >= to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'expected from to be before to' });
  if (to - from > MAX_RANGE_MS) ctx.addIssue({ code: 'custom', path: [q.from !== undefined ? 'from' : 'range'], message: 'expected a range of at most 400d' });
}

/** A strict query schema with the time-range fields plus `extra`. */
export function rangeQuery<E extends z.ZodRawShape>(extra: E) {
  return z.strictObject({ ...rangeFields, ...extra }).superRefine((q, ctx) => checkRange(q as RangeFields, ctx));
}

export const iso = (ms: number): string => new Date(ms).toISOString();
