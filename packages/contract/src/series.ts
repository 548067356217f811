// Counts and bytes over time, grouped by one dimension; the server picks the step. A point is null where nothing
// can be said (before the first stored message, or while no tap was watching), never a zero; the newest bucket
// that is still filling is marked partial.
import { z } from 'zod';
import { brokerParam, echoedRange, rangeQuery } from './params.ts';
import { kindParam, nameParam } from './streams.ts';

export const SERIES_BY = ['broker', 'stream', 'event_type', 'source', 'routing_key'] as const;
/** The routing-key breakdown reads raw rows (the rollups have no routing key), so its range is bounded. */
export const ROUTING_KEY_MAX_RANGE_MS = 24 * 3_600_000;

export const seriesQuery = rangeQuery({
  broker: brokerParam.optional(),
  stream: nameParam.optional(),
  event_type: nameParam.optional(),
  source: nameParam.optional(),
  kind: kindParam.optional(),
  by: z
    .enum(SERIES_BY)
    .default('broker')
    .describe(`routing_key needs a stream and a range of at most 24h (it reads raw rows)`),
  baseline: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .describe('also return each series against its baseline'),
});
/** What a caller sends (the server fills in the default `by`). */
export type SeriesQuery = z.input<typeof seriesQuery>;

const pointSchema = z.object({
  t: z.string(),
  count: z.number().nullable().describe('null: before the first stored message, or no tap was watching'),
  bytes: z.number().nullable(),
  msg_per_sec: z.number().nullable(),
  partial: z.boolean().describe('the bucket is still filling (it ends after complete_until): not a drop'),
  baseline_msg_per_sec: z
    .number()
    .nullable()
    .optional()
    .describe('the expectation for this bucket (with baseline=true)'),
});
export type SeriesPoint = z.output<typeof pointSchema>;

const baselineSchema = z.object({
  kind: z
    .enum(['week', 'previous'])
    .describe('week: the same bucket a week earlier; previous: the mean over the time with data before the bucket'),
  window_seconds: z.number().describe('previous: how far back the mean reaches'),
  label: z.string().describe('in words, for a chart legend'),
});
export type SeriesBaseline = z.output<typeof baselineSchema>;

export const seriesResponse = z.object({
  ...echoedRange,
  step_seconds: z.number(),
  complete_until: z.string().describe('every tap has stored everything before this time; later buckets are partial'),
  first_data: z.string().nullable().describe('the first stored message matching the filter (earlier points are null)'),
  baseline: baselineSchema.nullable(),
  series: z.array(
    z.object({
      key: z.string(),
      points: z.array(pointSchema),
      recent: z
        .object({
          from: z.string(),
          to: z.string(),
          msg_per_sec: z.number().nullable(),
          baseline_msg_per_sec: z.number().nullable(),
          change: z.number().nullable().describe('msg_per_sec / baseline − 1'),
        })
        .nullable()
        .describe('the newest complete stretch (at least 30 s) against its baseline (with baseline=true)'),
    }),
  ),
});
export type SeriesResponse = z.output<typeof seriesResponse>;
