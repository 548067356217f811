// One rule over one window: picks the type's evaluator. Windows end on multiples of `every`, `delay` before now.
import type { Store } from '@rollcall/core/store';
import type { Evaluation } from './result.ts';
import type { Rule } from '../model/rule.ts';
import type { Window } from './sql.ts';
import { evaluateBaseline } from './types/baseline.ts';
import { evaluateCompleteness } from './types/completeness.ts';
import { evaluateDuplicates } from './types/duplicates.ts';
import { evaluateFreshness } from './types/freshness.ts';
import { evaluateRatio } from './types/ratio.ts';
import { evaluateSchema } from './types/schema.ts';
import { evaluateVolume } from './types/volume.ts';
import { describeConsumer, evaluateLag } from './types/lag.ts';
import { describeMatch } from './sql.ts';
import { windowActive } from '../model/schedule.ts';

export function windowAt(rule: Rule, now: number): Window {
  const end = Math.floor((now - rule.delay) / rule.every) * rule.every;
  return { start: end - rule.window, end };
}

/** `keep`: slices whose alert is open, judged even with no events lately (rules with group_by). */
export function evaluateRule(store: Store, rule: Rule, window: Window, keep: string[] = []): Promise<Evaluation> {
  const input = { store, window, keep };
  switch (rule.type) {
    case 'volume':
      return evaluateVolume(rule, input);
    case 'baseline':
      return evaluateBaseline(rule, input);
    case 'ratio':
      return evaluateRatio(rule, input);
    case 'completeness':
      return evaluateCompleteness(rule, input);
    case 'freshness':
      return evaluateFreshness(rule, input);
    case 'duplicates':
      return evaluateDuplicates(rule, input);
    case 'schema':
      return evaluateSchema(rule, input);
    case 'lag':
      return evaluateLag(rule, input);
  }
}

/** What the rule watches, for people and for the `stream` label. */
export function watched(rule: Rule): string {
  if (rule.type === 'lag') return describeConsumer(rule.consumer);
  return 'match' in rule ? describeMatch(rule.match) : `${describeMatch(rule.a)} → ${describeMatch(rule.b)}`;
}

export const OUTSIDE_SCHEDULE = 'outside the schedule';

/** Like evaluateRule, but a window not wholly inside the rule's schedule counts as not breached, unqueried. */
export function evaluateScheduled(store: Store, rule: Rule, window: Window, keep: string[] = []): Promise<Evaluation> {
  if (!windowActive(rule.schedule, window.start, window.end)) {
    return Promise.resolve({
      value: 0,
      threshold: 0,
      breached: false,
      expected: OUTSIDE_SCHEDULE,
      summary: 'outside the rule’s schedule',
    });
  }
  return evaluateRule(store, rule, window, keep);
}
