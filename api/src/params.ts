// Shared query-parameter schemas, validated once at the route edge.
import { z } from 'zod';
import { DURATION_HINT, parseDuration } from '@rollcall/core/duration';

export const sinceParam = z
  .string()
  .optional()
  .transform((text, ctx) => {
    if (text === undefined) return undefined;
    const ms = parseDuration(text);
    if (ms === undefined || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: `expected ${DURATION_HINT}` });
      return z.NEVER;
    }
    return ms;
  });

export const countQuery = z.strictObject({
  broker: z.enum(['kafka', 'rabbitmq']),
  stream: z.string().min(1).max(512),
  event_type: z.string().max(512).optional(),
  kind: z.enum(['publish', 'deliver']).optional(),
  since: sinceParam,
});

export const streamsQuery = z.strictObject({ since: sinceParam });
