// Streams whose last complete minute fell furthest below their baseline: the same time a week earlier when the
// store holds it, else the time with data in the hour before.
import { z } from 'zod';

/** Below this p_value a drop is reported as significant. */
export const DROP_P_VALUE = 0.001;

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
  p_value: z
    .number()
    .describe(
      "the chance of a minute this low or lower at the baseline's rate (Poisson): how likely the drop is noise",
    ),
  significant: z
    .boolean()
    .describe(
      `p_value below ${DROP_P_VALUE}: a drop that chance alone would give less than once in a thousand minutes`,
    ),
});
export type Drop = z.output<typeof dropSchema>;

export const dropsResponse = z.object({
  minute: z.object({ from: z.string(), to: z.string() }).describe('the last complete minute'),
  compared: z.number().describe('streams with a baseline'),
  drops: z
    .array(dropSchema)
    .describe('streams below their baseline: the significant drops first, then the rest, each the largest first'),
});
export type DropsResponse = z.output<typeof dropsResponse>;
