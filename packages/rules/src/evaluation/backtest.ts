// Replays a rule over stored history: every `every` from `from` to `to`, the same evaluation and lifecycle as
// the engine, nothing stored or sent. Answers "when would this rule have fired?" before it goes live. A long range
// is replayed a page of windows at a time: each call hands back where the next one resumes.
import type { Store } from '@rollcall/core/store';
import { INACTIVE, step, type AlertStatus, type TransitionTo } from '../alerts/lifecycle.ts';
import { notWatched, watchOf, type WatchCache } from './coverage.ts';
import { evaluateScheduled, windowAt } from './evaluate-rule.ts';
import type { Evaluation } from './result.ts';
import { resolveForOf, type Rule } from '../model/rule.ts';
import type { Window } from './sql.ts';
import { NOT_SIGNIFICANT } from './significance.ts';
import type { Decision } from '@rollcall/contract/rules';

export type { Decision };

export interface BacktestStep {
  at: number;
  window: Window;
  evaluation: Evaluation;
  decision: Decision;
  state: AlertStatus['state'];
  to?: TransitionTo;
}

export interface Firing {
  from: number;
  /** absent while still firing at the end of what was replayed */
  to?: number;
  value: number;
  summary: string;
}

/** Where a paged replay goes on: the end of its next window and the lifecycle as the page before left it. */
export interface BacktestResume {
  end: number;
  status: AlertStatus;
  /** the firing still open when the page before ended */
  open?: Firing | undefined;
}

export interface BacktestResult {
  steps: BacktestStep[];
  /** Firing periods open at some time in these steps: one carried over from the page before comes first, with its
   * own `from`. */
  fired: Firing[];
  /** windows in the whole range, and replayed up to the end of this page */
  windows: { total: number; done: number };
  /** absent once the range is replayed to its end */
  next?: BacktestResume;
}

const MAX_BACKTEST_STEPS = 20_000;

/** A range too long to replay, or a resume point that does not belong to the range. */
export class BacktestRangeError extends RangeError {
  constructor(
    readonly field: 'from' | 'resume',
    message: string,
  ) {
    super(message);
  }
}

export interface BacktestOptions {
  /** Hold windows to the taps' coverage, as the engine does (coverage.ts). */
  coverage?: boolean;
  now?: number;
  /** Stops the replay between windows (a caller that went away, a Cancel button): the promise rejects with its reason. */
  signal?: AbortSignal;
  /** At most this many windows in this call; the result's `next` resumes after them. */
  limit?: number;
  /** End the page early, after the window that takes it past this many ms: how long a window takes depends on the
   * data and the load, and a caller showing progress wants pages at a steady pace. At least one window is replayed. */
  budgetMs?: number;
  /** Go on from a page before (its result's `next`), over the same rule and range. */
  resume?: BacktestResume;
}

/** What was decided about a window, from its verdict and why it was not judged (its `skipped`, as stored). A bound
 * crossed by too few events to tell is its own decision: measured, unlike the other windows not judged. */
export function decisionOf(breached: boolean, skipped: string | undefined): Decision {
  if (!skipped) return breached ? 'breached' : 'clean';
  if (skipped.startsWith('not watched')) return 'not watched';
  if (skipped.startsWith('waiting')) return 'waiting';
  if (skipped.includes(`but ${NOT_SIGNIFICANT} (`)) return 'not significant';
  return 'skipped';
}

export async function backtest(
  store: Store,
  rule: Rule,
  from: number,
  to: number,
  { coverage = false, now = Date.now(), signal, limit = Infinity, budgetMs = Infinity, resume }: BacktestOptions = {},
): Promise<BacktestResult> {
  const firstEnd = Math.ceil(from / rule.every) * rule.every;
  const count = Math.max(0, Math.floor((to - firstEnd) / rule.every) + 1);
  if (count > MAX_BACKTEST_STEPS)
    throw new BacktestRangeError(
      'from',
      `${count} evaluations of every ${rule.every / 1000}s between from and to; at most ${MAX_BACKTEST_STEPS} (narrow the range)`,
    );
  const start = resume?.end ?? firstEnd;
  if (resume && (start < firstEnd || start > to || (start - firstEnd) % rule.every !== 0))
    throw new BacktestRangeError('resume', `resumes at a window that is not one of this rule's in the range`);
  let status: AlertStatus = resume?.status ?? INACTIVE;
  const watchCache: WatchCache = new Map();
  const steps: BacktestStep[] = [];
  const fired: Firing[] = resume?.open ? [{ ...resume.open }] : [];
  const deadline = performance.now() + budgetMs;
  let stop = Math.min(to, start + (limit - 1) * rule.every);
  for (let end = start; end <= stop; end += rule.every) {
    signal?.throwIfAborted();
    if (end > start && performance.now() > deadline) {
      stop = end - rule.every;
      break;
    }
    const at = end + rule.delay;
    const window = windowAt(rule, at);
    const watch = coverage ? await watchOf(store, rule, window, now, [], watchCache) : undefined;
    if (watch?.state === 'waiting') {
      steps.push({
        at,
        window,
        evaluation: {
          value: 0,
          threshold: 0,
          breached: false,
          expected: '',
          summary: `waiting: ${watch.reason}`,
          skipped: `waiting: ${watch.reason}`,
        },
        decision: 'waiting',
        state: status.state,
      });
      continue;
    }
    const evaluation =
      watch?.state === 'not watched' ? notWatched(watch.reason) : await evaluateScheduled(store, rule, window);
    const moved = evaluation.skipped
      ? { next: status }
      : step(status, evaluation.breached, at, rule.for, { after: resolveForOf(rule), per: rule.every });
    status = moved.next;
    steps.push({
      at,
      window,
      evaluation,
      decision: decisionOf(evaluation.breached, evaluation.skipped),
      state: status.state,
      ...(moved.to ? { to: moved.to } : {}),
    });
    if (moved.to === 'firing') fired.push({ from: at, value: evaluation.value, summary: evaluation.summary });
    const open = fired.at(-1);
    if (moved.to === 'resolved' && open) open.to = at;
  }
  const done = Math.floor((stop - firstEnd) / rule.every) + 1;
  const open = fired.at(-1);
  return {
    steps,
    fired,
    windows: { total: count, done: Math.max(0, Math.min(count, done)) },
    ...(stop + rule.every <= to
      ? { next: { end: stop + rule.every, status, open: open && open.to === undefined ? open : undefined } }
      : {}),
  };
}
