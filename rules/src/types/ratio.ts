// ratio: flow conservation between two streams. count(b) / count(a) per window must stay within [lo, hi].
import type { Evaluation, EvalInput } from '../evaluation.ts';
import type { RuleOf } from '../rule.ts';
import { countIn, describeMatch, formatDuration } from '../sql.ts';

export async function evaluateRatio(rule: RuleOf<'ratio'>, { store, window }: EvalInput): Promise<Evaluation> {
  const [a, b] = await Promise.all([countIn(store, rule.a, window, 'a'), countIn(store, rule.b, window, 'b')]);
  const expected = rule.lo !== undefined && rule.hi !== undefined ? `between ${rule.lo} and ${rule.hi}` : rule.lo !== undefined ? `at least ${rule.lo}` : `at most ${rule.hi}`;
  const names = `${describeMatch(rule.b)} / ${describeMatch(rule.a)}`;
  if (a === 0) return { value: 0, threshold: rule.lo ?? rule.hi ?? 0, breached: false, expected, summary: `${names}: nothing on a in ${formatDuration(rule.window)}`, skipped: 'no events on a', details: { a, b } };
  if (a < rule.min_count) {
    return { value: round(b / a), threshold: rule.lo ?? rule.hi ?? 0, breached: false, expected, summary: `${names}: only ${a} events on a in ${formatDuration(rule.window)}`, skipped: `${a} events on a, fewer than min_count (${rule.min_count})`, details: { a, b } };
  }
  const ratio = b / a;
  const low = rule.lo !== undefined && ratio < rule.lo;
  const high = rule.hi !== undefined && ratio > rule.hi;
  const threshold = high ? (rule.hi ?? 0) : (rule.lo ?? rule.hi ?? 0);
  const state = low ? `is below ${rule.lo}` : high ? `is above ${rule.hi}` : 'is within bounds';
  return { value: round(ratio), threshold, breached: low || high, expected, summary: `${names}: ratio ${round(ratio)} (${b}/${a}) over ${formatDuration(rule.window)} ${state}`, details: { a, b } };
}

const round = (n: number) => Math.round(n * 10_000) / 10_000;
