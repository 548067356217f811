// volume: the count per window must stay within [min, max].
import type { Evaluation, EvalInput } from '../evaluation.ts';
import type { RuleOf } from '../rule.ts';
import { countIn, describeMatch, formatDuration } from '../sql.ts';

export async function evaluateVolume(rule: RuleOf<'volume'>, { store, window }: EvalInput): Promise<Evaluation> {
  const count = await countIn(store, rule.match, window);
  const low = rule.min !== undefined && count < rule.min;
  const high = rule.max !== undefined && count > rule.max;
  const per = `per ${formatDuration(rule.window)}`;
  const expected = rule.min !== undefined && rule.max !== undefined ? `between ${rule.min} and ${rule.max} ${per}` : rule.min !== undefined ? `at least ${rule.min} ${per}` : `at most ${rule.max} ${per}`;
  const threshold = high ? (rule.max ?? 0) : (rule.min ?? rule.max ?? 0);
  const state = low ? `is below ${rule.min}` : high ? `is above ${rule.max}` : 'is within bounds';
  return { value: count, threshold, breached: low || high, expected, summary: `${describeMatch(rule.match)}: ${count} events ${per} ${state}` };
}
