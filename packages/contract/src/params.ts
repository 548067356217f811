// Request parameters shared by several resources (broker, durations, instants, the time range) and the range every
// ranged response echoes. Every time, duration and range is bounded here, so nothing out of range reaches a query
// (ClickHouse's DateTime is UInt32 seconds from 1970, and Date throws past ±8.64e15 ms).
import { z } from 'zod';
import { DURATION_HINT, formatDuration, parseDuration } from './duration.ts';

export const MAX_RANGE_MS = 400 * 86_400_000;
/** Durations in a request (range, since, a silence's duration) go up to this. */
export const MAX_DURATION_MS = MAX_RANGE_MS;
export const DEFAULT_RANGE_MS = 3_600_000;
const EARLIEST_MS = 0;
const LATEST_MS = Date.UTC(2100, 0, 1);
const INSTANT_BOUNDS = 'between 1970-01-01T00:00:00Z and 2100-01-01T00:00:00Z';

export const durationParam = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0 || ms > MAX_DURATION_MS) {
    ctx.addIssue({ code: 'custom', message: `expected ${DURATION_HINT}, at most ${formatDuration(MAX_DURATION_MS)}` });
    return z.NEVER;
  }
  return ms;
});

/** Epoch milliseconds when the time is one Rollcall can store and query, else undefined. */
export function boundedInstant(ms: number): number | undefined {
  return Number.isFinite(ms) && ms >= EARLIEST_MS && ms <= LATEST_MS ? ms : undefined;
}

/** ISO-8601 or epoch milliseconds, between 1970 and 2100. */
export const instantParam = z.string().transform((text, ctx) => {
  const ms = boundedInstant(/^\d{10,16}$/.test(text) ? Number(text) : Date.parse(text));
  if (ms === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `expected an ISO-8601 time (2026-11-23T08:00:00Z) or epoch milliseconds, ${INSTANT_BOUNDS}`,
    });
    return z.NEVER;
  }
  return ms;
});

/** An ISO-8601 time with an offset, between 1970 and 2100 (a body field such as a silence's ends_at). */
export const isoInstant = z.iso
  .datetime({ offset: true })
  .refine((text) => boundedInstant(Date.parse(text)) !== undefined, `expected a time ${INSTANT_BOUNDS}`);

export const brokerParam = z.enum(['kafka', 'rabbitmq']);

export type TimeRange = { from: number; to: number };

const rangeFields = {
  range: durationParam
    .optional()
    .describe(`how far back from now, e.g. 15m, 1h, 7d (default 1h; at most ${formatDuration(MAX_RANGE_MS)})`),
  from: instantParam.optional().describe('start of a fixed range (with `to`; ISO-8601 or epoch ms, 1970..2100)'),
  to: instantParam.optional().describe('end of the range (default now; ISO-8601 or epoch ms, 1970..2100)'),
};

type RangeFields = { range?: number | undefined; from?: number | undefined; to?: number | undefined };

/** `range` back from `to` (default now), or an explicit from/to. */
export function resolveRange(q: RangeFields, now: number, fallback = DEFAULT_RANGE_MS): TimeRange {
  const to = q.to ?? now;
  const from = q.from ?? to - (q.range ?? fallback);
  return { from, to };
}

function checkRange(q: RangeFields, ctx: z.RefinementCtx, fallback: number): void {
  if (q.range !== undefined && q.from !== undefined)
    ctx.addIssue({ code: 'custom', path: ['range'], message: 'give either range or from/to, not both' });
  const { from, to } = resolveRange(q, Date.now(), fallback);
  if (q.from !== undefined && from >= to)
    ctx.addIssue({ code: 'custom', path: ['from'], message: 'expected from to be before to' });
  if (to - from > MAX_RANGE_MS)
    ctx.addIssue({
      code: 'custom',
      path: [q.from !== undefined ? 'from' : 'range'],
      message: `expected a range of at most ${formatDuration(MAX_RANGE_MS)}`,
    });
  // `to` near 1970 with a range reaching back past it: the start would be before anything can be stored.
  if (boundedInstant(from) === undefined)
    ctx.addIssue({
      code: 'custom',
      path: [q.to !== undefined ? 'to' : 'range'],
      message: `expected the range to start ${INSTANT_BOUNDS}`,
    });
}

/** A strict query schema with the time-range fields plus `extra`; `fallback` is the range when none is given. */
export function rangeQuery<E extends z.ZodRawShape>(extra: E, fallback = DEFAULT_RANGE_MS) {
  return z
    .strictObject({ ...rangeFields, ...extra })
    .superRefine((q, ctx) => checkRange(q as RangeFields, ctx, fallback));
}

/** Every ranged response echoes the range it answered, as ISO-8601 times. */
export const echoedRange = { from: z.string(), to: z.string() };

/** How every time in a response is written: ISO-8601 in UTC. */
export const iso = (ms: number): string => new Date(ms).toISOString();
