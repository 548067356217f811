// Counts and bytes over time, grouped by one dimension; the server picks the step.
import { z } from 'zod';
import { brokerParam, echoedRange, rangeQuery } from './params.ts';
import { kindParam, nameParam } from './streams.ts';

export const seriesQuery = rangeQuery({
  broker: brokerParam.optional(),
  stream: nameParam.optional(),
  event_type: nameParam.optional(),
  source: nameParam.optional(),
  kind: kindParam.optional(),
  by: z.enum(['broker', 'stream', 'event_type', 'source']).default('broker'),
});
/** What a caller sends (the server fills in the default `by`). */
export type SeriesQuery = z.input<typeof seriesQuery>;

const pointSchema = z.object({ t: z.string(), count: z.number(), bytes: z.number(), msg_per_sec: z.number() });
export const seriesResponse = z.object({
  ...echoedRange,
  step_seconds: z.number(),
  series: z.array(z.object({ key: z.string(), points: z.array(pointSchema) })),
});
export type SeriesResponse = z.output<typeof seriesResponse>;
