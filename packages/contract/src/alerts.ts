// Alerts: the current ones, their transitions over a range, one alert with its notifications, acknowledgement.
import { z } from 'zod';
import { rangeQuery } from './params.ts';
import { evaluationSchema, missingKeySchema } from './rules.ts';

const ALERT_STATES = ['pending', 'firing', 'resolved', 'inactive'] as const;

export const alertsQuery = z.strictObject({
  state: z
    .string()
    .default('firing,pending')
    .transform((text, ctx) => {
      const states = text.split(',').map((s) => s.trim());
      const bad = states.filter((s) => !(ALERT_STATES as readonly string[]).includes(s));
      if (bad.length)
        ctx.addIssue({
          code: 'custom',
          message: `unknown state ${bad.join(', ')}; expected a comma-separated list of ${ALERT_STATES.join(', ')}`,
        });
      return states;
    }),
});
export const alertSchema = z.object({
  fingerprint: z.string(),
  rule_id: z.string(),
  rule_type: z.string(),
  severity: z.string(),
  description: z.string(),
  labels: z.record(z.string(), z.string()),
  stream: z.string(),
  /** The streams its rule counts, by name ("a" then "b" for ratio and completeness rules); empty when the rule is not loaded. */
  watched_streams: z.array(z.string()),
  state: z.enum(ALERT_STATES),
  active_at: z.string(),
  firing_at: z.string().nullable(),
  since: z.string(),
  value: z.number(),
  threshold: z.number(),
  expected: z.string(),
  summary: z.string(),
  details: z
    .record(z.string(), z.unknown())
    .describe('the rule’s evidence: window, counts, a sample of missing keys, …'),
  acknowledged: z.object({ by: z.string(), at: z.string(), comment: z.string() }).nullable(),
  silenced_by: z.array(z.string()),
  /** The end of the latest window judged breached for this alert: when the problem was last confirmed. */
  last_confirmed_at: z.string().nullable(),
});
export const alertsResponse = z.object({ alerts: z.array(alertSchema) });
export type Alert = z.output<typeof alertSchema>;
export type AlertsResponse = z.output<typeof alertsResponse>;

/** History reads the last day unless told otherwise. */
export const HISTORY_RANGE_MS = 86_400_000;
export const historyQuery = rangeQuery(
  { limit: z.coerce.number().int().min(1).max(5000).default(500) },
  HISTORY_RANGE_MS,
);
const transitionSchema = z.object({
  id: z.string(),
  at: z.string(),
  fingerprint: z.string(),
  rule_id: z.string(),
  severity: z.string(),
  stream: z.string(),
  from_state: z.string(),
  to_state: z.string(),
  value: z.number(),
  threshold: z.number(),
  summary: z.string(),
});
export const historyResponse = z.object({ from: z.string(), to: z.string(), transitions: z.array(transitionSchema) });
export type Transition = z.output<typeof transitionSchema>;
export type HistoryResponse = z.output<typeof historyResponse>;

export const fingerprintPath = z.strictObject({
  fingerprint: z.string().regex(/^[0-9a-f]{1,64}$/, 'expected an alert fingerprint (hex)'),
});
export const alertDetailResponse = alertSchema.extend({
  transitions: z.array(transitionSchema),
  notifications: z.array(
    z.object({
      transition_id: z.string(),
      route: z.string(),
      repeat: z.number(),
      at: z.string(),
      outcome: z.string(),
      attempts: z.number(),
      error: z.string(),
    }),
  ),
  /** The alert's windows from a little before it became active until now (or until it resolved), oldest first. */
  evaluations: z.array(evaluationSchema),
  /** Completeness rules: the keys of the latest evaluation's sample that never arrived, with when each was first seen. */
  missing_keys: z.array(missingKeySchema),
});
export type AlertDetail = z.output<typeof alertDetailResponse>;

/** The answer is the alert alone (alertSchema), without the detail's transitions and notifications. */
export const ackBody = z.strictObject({ comment: z.string().max(2000).default('') });
export type AckBody = z.input<typeof ackBody>;
