// The shape of a rule file, validated once when the file is read. Everything downstream gets typed rules.
import { z } from 'zod';
import { DURATION_HINT, formatDuration, parseDuration } from '@rollcall/contract/duration';

const DAY_MS = 86_400_000;
/** Upper bounds on rule durations. A window or step past 30 days is no longer a live check (the raw rows behind
 * most rules expire after clickhouse.ttl_days, 30 by default), and an unbounded one overflowed to Infinity and
 * broke every rule's evaluation writes. `for` and `resolve_for` past a week would leave an alert unheard. */
export const RULE_DURATION_LIMITS = {
  window: 30 * DAY_MS,
  every: 30 * DAY_MS,
  for: 7 * DAY_MS,
  resolve_for: 7 * DAY_MS,
  delay: DAY_MS,
  within: 7 * DAY_MS,
  max_silence: 30 * DAY_MS,
  history: 400 * DAY_MS,
} as const;

const duration = (max: number, fallback?: string) => {
  const text = fallback === undefined ? z.string() : z.string().default(fallback);
  return text.transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined || ms > max) {
      ctx.addIssue({
        code: 'custom',
        message: `expected ${DURATION_HINT}, at most ${formatDuration(max)}, got "${value}"`,
      });
      return z.NEVER;
    }
    return ms;
  });
};

const percent = z.number().min(0).max(100);

/** A breach must also be statistically significant at this confidence (evaluation/significance.ts); 0 turns the test off.
 * 0.99999: a deviation normal traffic shows once in 100 000 windows (about once in 70 days at every: 1m). With
 * 0.999 a week of ±30% jittered seasonal traffic at 0.5 msg/s raised 5 alerts (a week has 2 016 windows at
 * every: 5m, 10 080 at 1m, and a variance estimated from 3–4 seasons runs a little narrow in the tails); a large
 * drop is still far beyond it (the demo's 18% drop, 344 of 420 in a minute: p = 3e-7). */
export const DEFAULT_CONFIDENCE = 0.99999;
const confidence = z
  .number({ error: 'expected a confidence between 0 and 1 such as 0.999 (0 turns the test off)' })
  .min(0, 'expected a confidence between 0 and 1 such as 0.999 (0 turns the test off)')
  .lt(1, 'expected a confidence below 1 such as 0.999 (1 would never fire; 99.9 is written 0.999)')
  .default(DEFAULT_CONFIDENCE);

/** Which events a rule counts. `stream`, `event_type`, `source` and `routing_key` take `*` and `?` globs. */
export const matchSchema = z.strictObject({
  broker: z.enum(['kafka', 'rabbitmq']).optional(),
  cluster: z.string().min(1).optional(),
  stream: z.string().min(1).optional(),
  event_type: z.string().min(1).optional(),
  source: z.string().min(1).optional(),
  // A RabbitMQ message delivered to two queues is one publish and two deliveries: count publishes unless told.
  kind: z.enum(['publish', 'deliver']).default('publish'),
  routing_key: z.string().min(1).optional(),
  /** RabbitMQ publishes: `false` matches those no queue received (unroutable), `true` those some queue did. */
  routed: z.boolean().optional(),
});

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'expected an IANA time zone such as Asia/Jakarta');

export const scheduleSchema = z.strictObject({
  timezone: timezone.default('UTC'),
  days: z
    .array(z.enum(WEEKDAYS))
    .min(1)
    .default([...WEEKDAYS]),
  hours: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, 'expected a range of hours such as 08:00-22:00')
    .default('00:00-24:00'),
});

const common = {
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'expected an id of lowercase letters, digits, ".", "_" or "-"'),
  description: z.string().default(''),
  severity: z.enum(['critical', 'warning', 'info']).default('warning'),
  labels: z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'expected a label name'), z.string()).default({}),
  window: duration(RULE_DURATION_LIMITS.window, '5m'),
  every: duration(RULE_DURATION_LIMITS.every, '1m'),
  /** How long the condition must hold before the alert fires. */
  for: duration(RULE_DURATION_LIMITS.for, '0s'),
  /** The newest data is left out: events still in flight through the taps would look like a drop. */
  delay: duration(RULE_DURATION_LIMITS.delay, '30s'),
  /** How long windows must be judged clean before a firing alert resolves (default two evaluations: see
   * resolveForOf). 0s resolves on the first clean window. */
  resolve_for: duration(RULE_DURATION_LIMITS.resolve_for).optional(),
  schedule: scheduleSchema.optional(),
  notify: z.array(z.string().min(1)).default([]),
};

/** Dimensions a rule can slice by (evaluation/slices.ts): the rollup keeps stream, event_type and source; routing_key reads raw
 * rows. Extracted payload fields (the card network) are not stored per event, so they cannot be sliced yet. */
export const GROUP_KEYS = ['stream', 'event_type', 'source', 'routing_key'] as const;
export type GroupKey = (typeof GROUP_KEYS)[number];
export const DEFAULT_MAX_GROUPS = 100;

/** One alert per value of `group_by`, for at most `max_groups` values (the busiest). */
const slicing = {
  group_by: z
    .enum(GROUP_KEYS, {
      error: `expected group_by to be one of ${GROUP_KEYS.join(', ')} (extracted payload fields are not stored per event)`,
    })
    .optional(),
  max_groups: z.number().int().min(1).max(1000).optional(),
};

const volume = z.strictObject({
  ...common,
  ...slicing,
  type: z.literal('volume'),
  match: matchSchema,
  min: z.number().min(0).optional(),
  max: z.number().min(0).optional(),
});

const baseline = z.strictObject({
  ...common,
  ...slicing,
  type: z.literal('baseline'),
  match: matchSchema,
  season: z.enum(['day', 'week']).default('week'),
  seasons: z.number().int().min(1).max(12).default(4),
  /** Seasons that must hold data before the rule judges anything. */
  min_history: z.number().int().min(1).default(3),
  drop: percent.optional(),
  rise: z.number().min(0).optional(),
  /** Below this expected count a window is too small to judge. */
  min_expected: z.number().min(0).default(10),
  confidence,
});

// min_count: over a handful of events one message still in flight at a window's edge moves the ratio by 15 %;
// windows with fewer events on `a` are skipped (and say so) rather than judged.
const ratio = z.strictObject({
  ...common,
  ...slicing,
  type: z.literal('ratio'),
  a: matchSchema,
  b: matchSchema,
  lo: z.number().min(0).optional(),
  hi: z.number().min(0).optional(),
  min_count: z.number().int().min(0).default(0),
  confidence,
});

const completeness = z.strictObject({
  ...common,
  type: z.literal('completeness'),
  a: matchSchema,
  b: matchSchema,
  key: z.enum(['correlation_id', 'message_id']).default('correlation_id'),
  /** How long after its A event a key may still show up on B. */
  within: duration(RULE_DURATION_LIMITS.within, '1m'),
  max_missing: percent.default(0),
  sample: z.number().int().min(0).max(100).default(10),
});

const freshness = z.strictObject({
  ...common,
  type: z.literal('freshness'),
  match: matchSchema,
  max_silence: duration(RULE_DURATION_LIMITS.max_silence),
});

const duplicates = z.strictObject({
  ...common,
  type: z.literal('duplicates'),
  match: matchSchema,
  key: z.enum(['message_id', 'correlation_id']).default('message_id'),
  max_share: percent.default(1),
});

const schema = z.strictObject({
  ...common,
  type: z.literal('schema'),
  match: matchSchema,
  on: z
    .array(z.enum(['new_fingerprint', 'missing_field']))
    .min(1)
    .default(['new_fingerprint', 'missing_field']),
  /** How far back the known schemas reach. */
  history: duration(RULE_DURATION_LIMITS.history, '7d'),
});

/** Which consumer groups (Kafka) or queues (RabbitMQ) a lag rule watches; `group` takes `*` and `?` globs. */
export const consumerSchema = z.strictObject({
  broker: z.enum(['kafka', 'rabbitmq']).optional(),
  cluster: z.string().min(1).optional(),
  group: z.string().min(1),
});

const lag = z.strictObject({
  ...common,
  type: z.literal('lag'),
  consumer: consumerSchema,
  max_messages: z.number().min(0).optional(),
  max_seconds: z.number().min(0).optional(),
  /** Lag statuses (from the sampler's Burrow-style evaluation) that breach on their own. */
  statuses: z.array(z.enum(['WARN', 'STALL', 'STOP', 'ERR'])).default([]),
  delay: duration(RULE_DURATION_LIMITS.delay, '0s'),
});

export const RULE_TYPES = [
  'volume',
  'baseline',
  'ratio',
  'completeness',
  'freshness',
  'duplicates',
  'schema',
  'lag',
] as const;

export const ruleSchema = z
  .discriminatedUnion('type', [volume, baseline, ratio, completeness, freshness, duplicates, schema, lag], {
    error: (issue) =>
      issue.code === 'invalid_union' ? `expected type to be one of ${RULE_TYPES.join(', ')}` : undefined,
  })
  .superRefine((rule, ctx) => {
    const need = (ok: boolean, message: string, path: string) =>
      ok || ctx.addIssue({ code: 'custom', message, path: [path] });
    if (rule.type === 'volume')
      need(rule.min !== undefined || rule.max !== undefined, 'a volume rule needs min or max', 'min');
    if (rule.type === 'ratio')
      need(rule.lo !== undefined || rule.hi !== undefined, 'a ratio rule needs lo or hi', 'lo');
    if (rule.type === 'baseline')
      need(rule.drop !== undefined || rule.rise !== undefined, 'a baseline rule needs drop or rise (percent)', 'drop');
    if (rule.type === 'baseline')
      need(rule.min_history <= rule.seasons, 'min_history cannot exceed seasons', 'min_history');
    if (rule.type === 'lag')
      need(
        rule.max_messages !== undefined || rule.max_seconds !== undefined || rule.statuses.length > 0,
        'a lag rule needs max_messages, max_seconds or statuses',
        'max_messages',
      );
    if (rule.type === 'volume' || rule.type === 'baseline' || rule.type === 'ratio') {
      need(rule.group_by !== undefined || rule.max_groups === undefined, 'max_groups needs group_by', 'max_groups');
      // The slice is the alert's label of that name: a fixed label of the same name would hide it.
      need(
        rule.group_by === undefined || !(rule.group_by in rule.labels),
        `labels cannot hold ${rule.group_by ?? ''}: group_by adds it per slice`,
        'labels',
      );
    }
    need(rule.every > 0, 'every must be longer than 0s', 'every');
    if (rule.type !== 'freshness') need(rule.window > 0, 'window must be longer than 0s', 'window');
  });

/** Two judged windows: one lucky window (an edge effect, a burst of late events) cannot resolve an alert on its
 * own, and with every ≤ window the second adds data the first did not hold. */
export const resolveForOf = (rule: Rule): number => rule.resolve_for ?? 2 * rule.every;

export const maxGroupsOf = (rule: { max_groups?: number | undefined }): number => rule.max_groups ?? DEFAULT_MAX_GROUPS;

export const ruleFileSchema = z.strictObject({ rules: z.array(ruleSchema).default([]) });

export type Rule = z.output<typeof ruleSchema>;
export type RuleType = Rule['type'];
export type Match = z.output<typeof matchSchema>;
export type Consumer = z.output<typeof consumerSchema>;
export type Schedule = z.output<typeof scheduleSchema>;
export type RuleOf<T extends RuleType> = Extract<Rule, { type: T }>;
export { WEEKDAYS };
