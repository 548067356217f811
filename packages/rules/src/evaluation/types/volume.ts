// volume: the count per window must stay within [min, max]; with group_by, each slice's count.
import type { Evaluation, EvalInput } from '../result.ts';
import { maxGroupsOf, type RuleOf } from '../../model/rule.ts';
import { combineSlices, countsBy, describeSlice, recentOf } from '../slices.ts';
import { countIn, describeMatch, formatDuration } from '../sql.ts';

export async function evaluateVolume(rule: RuleOf<'volume'>, { store, window, keep }: EvalInput): Promise<Evaluation> {
  const key = rule.group_by;
  if (key === undefined) return judgeVolume(rule, await countIn(store, rule.match, window), describeMatch(rule.match));
  const grouped = await countsBy(store, rule.match, key, [window, recentOf(window)], {
    max: maxGroupsOf(rule),
    ...(keep ? { keep } : {}),
  });
  return combineSlices({ ...rule, group_by: key }, grouped, (group, [count = 0]) =>
    judgeVolume(rule, count, describeSlice(rule.match, key, group)),
  );
}

function judgeVolume(rule: RuleOf<'volume'>, count: number, what: string): Evaluation {
  const low = rule.min !== undefined && count < rule.min;
  const high = rule.max !== undefined && count > rule.max;
  const per = `per ${formatDuration(rule.window)}`;
  const expected =
    rule.min !== undefined && rule.max !== undefined
      ? `between ${rule.min} and ${rule.max} ${per}`
      : rule.min !== undefined
        ? `at least ${rule.min} ${per}`
        : `at most ${rule.max} ${per}`;
  const threshold = high ? (rule.max ?? 0) : (rule.min ?? rule.max ?? 0);
  const state = low ? `is below ${rule.min}` : high ? `is above ${rule.max}` : 'is within bounds';
  return {
    value: count,
    threshold,
    breached: low || high,
    expected,
    summary: `${what}: ${count} events ${per} ${state}`,
  };
}
