// Streams whose last complete minute fell furthest below their baseline: the same time a week earlier when the
// store holds it, else the time with data in the hour before.
import { z } from 'zod';

export const dropsQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(8) });

const dropSchema = z.object({
  broker: z.string(),
  stream: z.string(),
  msg_per_sec: z.number().describe('the last complete minute'),
  baseline_msg_per_sec: z.number(),
  baseline: z
    .enum(['week', 'previous'])
    .describe(
      'week: the half hour around the same minute a week earlier; previous: the time with data in the hour before',
    ),
  baseline_from: z.string(),
  baseline_seconds: z.number().describe('how much time with data the baseline covers'),
  change: z.number().describe('msg_per_sec / baseline − 1'),
});
export type Drop = z.output<typeof dropSchema>;

export const dropsResponse = z.object({
  minute: z.object({ from: z.string(), to: z.string() }).describe('the last complete minute'),
  compared: z.number().describe('streams with a baseline'),
  drops: z.array(dropSchema).describe('streams below their baseline, the largest drop first'),
});
export type DropsResponse = z.output<typeof dropsResponse>;
