// What evaluating a rule over one window yields, whatever its type.
import type { Store } from '@rollcall/core/store';
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
  /** Set when the window cannot be judged (no history, nothing on A): the alert state is left as it was. */
  skipped?: string;
  details?: Record<string, unknown>;
}

export interface EvalInput {
  store: Store;
  window: Window;
}
