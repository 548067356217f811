// Replays a rule over stored history: every `every` from `from` to `to`, the same evaluation and lifecycle as
// the engine, nothing stored or sent. Answers "when would this rule have fired?" before it goes live.
import type { Store } from '@rollcall/core/store';
import { INACTIVE, step, type AlertStatus, type TransitionTo } from '../alerts/lifecycle.ts';
import { notWatched, watchOf, type WatchCache } from './coverage.ts';
import { evaluateScheduled, windowAt } from './evaluate-rule.ts';
import type { Evaluation } from './result.ts';
import { resolveForOf, type Rule } from '../model/rule.ts';
import type { Window } from './sql.ts';

/** What was decided about a window: breached or clean, or why it was not judged. */
export type Decision = 'breached' | 'clean' | 'waiting' | 'not watched' | 'skipped';

export interface BacktestStep {
  at: number;
  window: Window;
  evaluation: Evaluation;
  decision: Decision;
  state: AlertStatus['state'];
  to?: TransitionTo;
}

export interface BacktestResult {
  steps: BacktestStep[];
  /** Firing periods; `to` is absent while still firing at the end of the range. */
  fired: { from: number; to?: number; value: number; summary: string }[];
}

const MAX_BACKTEST_STEPS = 20_000;

export interface BacktestOptions {
  /** Hold windows to the taps' coverage, as the engine does (coverage.ts). */
  coverage?: boolean;
  now?: number;
  /** Stops the replay between windows (a caller that went away, a Cancel button): the promise rejects with its reason. */
  signal?: AbortSignal;
}

export function decisionOf(evaluation: Evaluation): Decision {
  if (evaluation.skipped?.startsWith('not watched')) return 'not watched';
  if (evaluation.skipped) return 'skipped';
  return evaluation.breached ? 'breached' : 'clean';
}

export async function backtest(
  store: Store,
  rule: Rule,
  from: number,
  to: number,
  { coverage = false, now = Date.now(), signal }: BacktestOptions = {},
): Promise<BacktestResult> {
  const firstEnd = Math.ceil(from / rule.every) * rule.every;
  const count = Math.floor((to - firstEnd) / rule.every) + 1;
  if (count > MAX_BACKTEST_STEPS)
    throw new RangeError(
      `${count} evaluations of every ${rule.every / 1000}s between from and to; at most ${MAX_BACKTEST_STEPS} (narrow the range)`,
    );
  let status: AlertStatus = INACTIVE;
  const watchCache: WatchCache = new Map();
  const steps: BacktestStep[] = [];
  const fired: BacktestResult['fired'] = [];
  for (let end = firstEnd; end <= to; end += rule.every) {
    signal?.throwIfAborted();
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
      decision: decisionOf(evaluation),
      state: status.state,
      ...(moved.to ? { to: moved.to } : {}),
    });
    if (moved.to === 'firing') fired.push({ from: at, value: evaluation.value, summary: evaluation.summary });
    const open = fired.at(-1);
    if (moved.to === 'resolved' && open) open.to = at;
  }
  return { steps, fired };
}
