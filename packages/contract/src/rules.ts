// Rules: what runs, its state and last evaluation, its evaluations over a range, validation of a rule document
// before it is committed, and a backtest over stored history.
import { z } from 'zod';
import { backtestCursor } from './backtest-cursor.ts';
import { echoedRange, instantParam, rangeQuery } from './params.ts';

const ruleState = z.enum(['ok', 'pending', 'firing', 'inactive']);
export type RuleState = z.output<typeof ruleState>;

/** What a rule's evaluation of one window found: the list's last evaluation and the detail's evaluations. */
/** breached or clean; not significant (a bound crossed by too few events to tell from chance: measured, decides
 * nothing); or not judged: waiting (a tap has not stored past it yet), not watched (a tap was down), skipped. */
const decision = z.enum(['breached', 'clean', 'not significant', 'waiting', 'not watched', 'skipped']);

const judgedWindow = z.object({
  at: z.string(),
  window_start: z.string(),
  window_end: z.string(),
  value: z.number(),
  threshold: z.number(),
  breached: z.boolean(),
  skipped: z.string(),
});

export const ruleSchema = z.object({
  id: z.string(),
  type: z.string(),
  description: z.string(),
  severity: z.string(),
  labels: z.record(z.string(), z.string()),
  file: z.string(),
  yaml: z.string(),
  every_seconds: z.number(),
  window_seconds: z.number(),
  state: ruleState,
  last_evaluation: judgedWindow.extend({ error: z.string(), summary: z.string(), decision }).nullable(),
});
export const rulesQuery = rangeQuery({});
const sparkPoint = z.object({ at: z.string(), value: z.number(), threshold: z.number() });
export const rulesResponse = z.object({
  rules: z.array(ruleSchema),
  errors: z.array(z.object({ file: z.string(), message: z.string() })),
  /** Each rule's latest windows in the range (at most 120, oldest first, judged windows only), so the list draws its
   * sparklines from this one response instead of one request per rule. */
  sparklines: z.record(z.string(), z.array(sparkPoint)),
});
export type SparkPoint = z.output<typeof sparkPoint>;
export type Rule = z.output<typeof ruleSchema>;
export type RulesResponse = z.output<typeof rulesResponse>;

export const rulePath = z.strictObject({ id: z.string().min(1).max(100) });
export const ruleDetailQuery = rangeQuery({});
/** A key a completeness rule's b never saw, and when it was first seen anywhere (null: no stored row has it). */
export const missingKeySchema = z.object({ key: z.string(), first_seen: z.string().nullable() });

/** One judged window (the latest judgement when late events made the engine judge it again). */
export const evaluationSchema = judgedWindow.extend({
  decision,
  /** The expected band for this window (a ratio's lo–hi, a baseline's range around its median); null where the rule
   * has a single bound (the threshold), and for a baseline's windows that were not judged. */
  lo: z.number().nullable(),
  hi: z.number().nullable(),
  /** The value the window was expected to have, where the rule has one (a baseline's seasonal median). */
  expected: z.number().nullable(),
});
export const ruleDetailResponse = ruleSchema.extend({
  ...echoedRange,
  evaluations: z.array(evaluationSchema),
  /** Completeness rules: the keys of the latest transition's sample that never arrived, with when each was first seen. */
  missing_keys: z.array(missingKeySchema),
});
export type Evaluation = z.output<typeof evaluationSchema>;
export type RuleDetail = z.output<typeof ruleDetailResponse>;

export const validateBody = z.strictObject({
  yaml: z.string().max(1_000_000),
  file: z.string().max(200).default('rules.yaml'),
});
export const validateResponse = z.object({
  valid: z.boolean(),
  rules: z.array(z.string()),
  errors: z.array(z.object({ line: z.number().nullable(), field: z.string(), message: z.string() })),
});
export type ValidateResponse = z.output<typeof validateResponse>;

export const BACKTEST_PAGE_WINDOWS = 500;
/** A backtest page also ends after the window that takes it past this long, so pages come at a steady pace. */
export const BACKTEST_PAGE_BUDGET_MS = 1000;
export const backtestQuery = z.strictObject({
  from: instantParam.describe('start of the replay (ISO-8601 or epoch ms)'),
  to: instantParam.optional().describe('end of the replay (default now)'),
  cursor: backtestCursor
    .optional()
    .describe("the previous page's `next`, with the same from and to: the replay goes on where that page stopped"),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(5000)
    .default(BACKTEST_PAGE_WINDOWS)
    .describe(
      `at most this many windows replayed in this page (default ${BACKTEST_PAGE_WINDOWS}); a page also ends after ` +
        `about ${BACKTEST_PAGE_BUDGET_MS / 1000} s of replay`,
    ),
});
export const backtestResponse = z.object({
  from: z.string(),
  to: z.string(),
  /** this page's windows, oldest first */
  windows: z.array(
    z.object({
      start: z.string(),
      end: z.string(),
      value: z.number(),
      threshold: z.number(),
      breached: z.boolean(),
      /** as an evaluation's decision */
      decision,
      /** why, when not judged */
      reason: z.string(),
      state: z.string(),
    }),
  ),
  firings: z
    .array(z.object({ from: z.string(), to: z.string().nullable(), value: z.number(), summary: z.string() }))
    .describe(
      'periods it would have fired that were open in this page; one carried over from the page before comes again with the same `from` (`to` null while still firing)',
    ),
  next: z
    .string()
    .nullable()
    .describe('pass as `cursor` (with the same from and to) for the next page; null once the range is replayed'),
  progress: z
    .object({ done: z.number(), total: z.number() })
    .describe('windows replayed up to the end of this page, of all the windows in the range'),
});
/** breached or clean, or why a window was not judged. */
export type Decision = z.output<typeof decision>;
export type Backtest = z.output<typeof backtestResponse>;
