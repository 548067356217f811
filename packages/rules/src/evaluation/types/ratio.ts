// ratio: flow conservation between two streams. count(b) / count(a) per window must stay within [lo, hi], and a
// ratio outside the band must also be unlikely under the band (ratioPValue) at the rule's confidence.
import type { Evaluation, EvalInput } from '../result.ts';
import { maxGroupsOf, type RuleOf } from '../../model/rule.ts';
import { combineSlices, countsBy, describeSlice, recentOf } from '../slices.ts';
import {
  binomialAtLeast,
  binomialAtMost,
  formatP,
  NOT_SIGNIFICANT,
  poissonAtLeast,
  poissonAtMost,
  significant,
} from '../significance.ts';
import { countIn, describeMatch, formatDuration } from '../sql.ts';

/** How unlikely `b` events are, given `a`, if the true ratio were the edge of the band that was crossed (the
 * most favourable case for "nothing is wrong"). Below 1, b's events are a share of a's: binomial. From 1 up, b
 * is not a subset of a (fan-out, retries, events from the window before): Poisson with mean a × edge. */
export function ratioPValue(a: number, b: number, edge: number, side: 'low' | 'high'): number {
  if (edge < 1) return side === 'low' ? binomialAtMost(b, a, edge) : binomialAtLeast(b, a, edge);
  return side === 'low' ? poissonAtMost(b, a * edge) : poissonAtLeast(b, a * edge);
}

export async function evaluateRatio(rule: RuleOf<'ratio'>, { store, window, keep }: EvalInput): Promise<Evaluation> {
  const key = rule.group_by;
  if (key === undefined) {
    const [a, b] = await Promise.all([countIn(store, rule.a, window, 'a'), countIn(store, rule.b, window, 'b')]);
    return judgeRatio(rule, a, b, { a: describeMatch(rule.a), b: describeMatch(rule.b) });
  }
  // Slices are a's (the base of the ratio); b is counted for the same values.
  const a = await countsBy(store, rule.a, key, [window, recentOf(window)], {
    max: maxGroupsOf(rule),
    ...(keep ? { keep } : {}),
    p: 'a',
  });
  const b = await countsBy(store, rule.b, key, [window], {
    max: a.slices.length,
    only: a.slices.map((s) => s.group),
    p: 'b',
  });
  const bOf = new Map(b.slices.map((s) => [s.group, s.counts[0] ?? 0]));
  return combineSlices({ ...rule, group_by: key }, a, (group, [count = 0]) =>
    judgeRatio(rule, count, bOf.get(group) ?? 0, {
      a: describeSlice(rule.a, key, group),
      b: describeSlice(rule.b, key, group),
    }),
  );
}

/** `a` and `b` are the counts; `of` names what each counts, so nothing reads "on a". */
function judgeRatio(rule: RuleOf<'ratio'>, a: number, b: number, of: { a: string; b: string }): Evaluation {
  const names = `${of.b} / ${of.a}`;
  const expected =
    rule.lo !== undefined && rule.hi !== undefined
      ? `between ${rule.lo} and ${rule.hi}`
      : rule.lo !== undefined
        ? `at least ${rule.lo}`
        : `at most ${rule.hi}`;
  if (a === 0)
    return {
      value: 0,
      threshold: rule.lo ?? rule.hi ?? 0,
      breached: false,
      expected,
      summary: `${names}: nothing on ${of.a} in ${formatDuration(rule.window)}`,
      skipped: `no events on ${of.a}`,
      details: { a, b },
    };
  if (a < rule.min_count) {
    return {
      value: round(b / a),
      threshold: rule.lo ?? rule.hi ?? 0,
      breached: false,
      expected,
      summary: `${names}: only ${a} events on ${of.a} in ${formatDuration(rule.window)}`,
      skipped: `${a} events on ${of.a}, fewer than min_count (${rule.min_count})`,
      details: { a, b },
    };
  }
  const ratio = b / a;
  const low = rule.lo !== undefined && ratio < rule.lo;
  const high = rule.hi !== undefined && ratio > rule.hi;
  const threshold = high ? (rule.hi ?? 0) : (rule.lo ?? rule.hi ?? 0);
  const observed = `${names}: ratio ${round(ratio)} (${b}/${a}) over ${formatDuration(rule.window)}`;
  if (!low && !high)
    return {
      value: round(ratio),
      threshold,
      breached: false,
      expected,
      summary: `${observed} is within bounds`,
      details: { a, b },
    };
  const pValue = ratioPValue(a, b, threshold, low ? 'low' : 'high');
  const state = `is ${low ? 'below' : 'above'} ${threshold}`;
  const details = { a, b, p_value: pValue, confidence: rule.confidence };
  if (!significant(pValue, rule.confidence)) {
    // Too few events to tell a real shift from chance: neither a breach nor evidence of recovery.
    const why = `${NOT_SIGNIFICANT} (${formatP(pValue)}, confidence ${rule.confidence})`;
    return {
      value: round(ratio),
      threshold,
      breached: false,
      expected,
      summary: `${observed} ${state}, but ${why}`,
      skipped: `${state}, but ${why}`,
      details,
    };
  }
  return {
    value: round(ratio),
    threshold,
    breached: true,
    expected,
    summary: `${observed} ${state} (${formatP(pValue)})`,
    details,
  };
}

const round = (n: number) => Math.round(n * 10_000) / 10_000;
