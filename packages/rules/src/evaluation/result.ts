// What evaluating a rule over one window yields, whatever its type.
import type { Store } from '@rollcall/core/store';
import type { GroupKey } from '../model/rule.ts';
import type { Window } from './sql.ts';

export interface Evaluation {
  /** The watched quantity (a count, a ratio, a percentage, seconds of silence). */
  value: number;
  /** The bound it was compared with. */
  threshold: number;
  breached: boolean;
  /** The expectation in words, e.g. "at least 100 per 5m". */
  expected: string;
  summary: string;
  /** Set when the window cannot be judged (no history, nothing on A, a bound crossed but not significant at the
   * rule's confidence): the alert state is left as it was, and a firing alert's clean time neither grows nor resets. */
  skipped?: string;
  /** Type-specific numbers; ratio and baseline add `p_value` and `confidence` when a bound was crossed. */
  details?: Record<string, unknown>;
  /** A rule with group_by: each slice's own verdict, judged and alerted on separately (slices.ts). */
  slices?: SliceEvaluation[];
}

export interface EvalInput {
  store: Store;
  window: Window;
  /** Slices with an open alert: judged even when they had no events lately (a slice that stopped is a breach). */
  keep?: string[];
}

/** One slice's verdict (slices.ts); `group` is the slice's value of the rule's `group_by`. */
export interface SliceEvaluation {
  key: GroupKey;
  group: string;
  evaluation: Evaluation;
}
