// baseline: this window against the same window one season (day or week) back, N times; the expectation is
// the median of the seasons that held data, so one odd day in the history does not move it. A count past the
// drop/rise bound must also be unlikely given that expectation and the seasons' spread (seasonalPValue).
import type { Evaluation, EvalInput } from '../result.ts';
import { maxGroupsOf, type RuleOf } from '../../model/rule.ts';
import { combineSlices, countsBy, describeSlice } from '../slices.ts';
import { countAtLeast, countAtMost, formatP, NOT_SIGNIFICANT, significant } from '../significance.ts';
import { describeMatch, formatDuration, matchWhere, sourceFor, tableOf, windowWhere, type Window } from '../sql.ts';
import { queryRows } from '@rollcall/core/store/queries';

const SEASON_MS = { day: 86_400_000, week: 604_800_000 } as const;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The spread a window's count has around the seasonal expectation: the seasons' own variance (jitter, not only
 * Poisson noise, hence a negative binomial), never below Poisson's, widened by the uncertainty of a median of n
 * seasons (π/2 · σ²/n), which with three or four seasons is far from negligible. */
export function seasonalVariance(history: number[], expected: number): number {
  const n = history.length;
  const mean = history.reduce((sum, c) => sum + c, 0) / Math.max(n, 1);
  const spread = n > 1 ? history.reduce((sum, c) => sum + (c - mean) ** 2, 0) / (n - 1) : 0;
  return Math.max(expected, spread) * (1 + Math.PI / (2 * Math.max(n, 1)));
}

/** How unlikely `observed` is, on the side it moved, given the history. */
export function seasonalPValue(observed: number, history: number[], expected: number): number {
  const variance = seasonalVariance(history, expected);
  return observed < expected ? countAtMost(observed, expected, variance) : countAtLeast(observed, expected, variance);
}

export async function evaluateBaseline(
  rule: RuleOf<'baseline'>,
  { store, window, keep }: EvalInput,
): Promise<Evaluation> {
  const shift = SEASON_MS[rule.season];
  const windows: Window[] = Array.from({ length: rule.seasons + 1 }, (_, k) => ({
    start: window.start - k * shift,
    end: window.end - k * shift,
  }));
  const key = rule.group_by;
  if (key !== undefined) {
    // A slice seen in any past season is judged, so one that vanished counts 0 against its history.
    const grouped = await countsBy(store, rule.match, key, windows, {
      max: maxGroupsOf(rule),
      ...(keep ? { keep } : {}),
    });
    return combineSlices({ ...rule, group_by: key }, grouped, (group, counts) =>
      judgeBaseline(rule, counts, describeSlice(rule.match, key, group)),
    );
  }
  const source = sourceFor(rule.match, window);
  const m = matchWhere(rule.match, 'm');
  const ranges = windows.map((w, k) => windowWhere(source, w, `w${k}`));
  // One scan for all seasons: each column counts one shifted window.
  const columns = ranges.map((r, k) =>
    source === 'rollup' ? `sumIf(count, ${r.sql}) AS s${k}` : `countIf(${r.sql}) AS s${k}`,
  );
  const [row] = await queryRows<Record<string, string | number>>(
    store,
    `SELECT ${columns.join(', ')} FROM ${tableOf(store, source)} WHERE ${m.sql} AND (${ranges.map((r) => `(${r.sql})`).join(' OR ')})`,
    Object.assign({}, m.params, ...ranges.map((r) => r.params)),
  );
  return judgeBaseline(
    rule,
    windows.map((_, k) => Number(row?.[`s${k}`] ?? 0)),
    describeMatch(rule.match),
  );
}

/** `counts`: this window's, then each past season's. */
function judgeBaseline(rule: RuleOf<'baseline'>, counts: number[], what: string): Evaluation {
  const [observed = 0, ...history] = counts;
  const withData = history.filter((c) => c > 0);
  const per = formatDuration(rule.window);
  const lo = (expected: number) => (rule.drop !== undefined ? expected * (1 - rule.drop / 100) : undefined);
  const hi = (expected: number) => (rule.rise !== undefined ? expected * (1 + rule.rise / 100) : undefined);
  const base = { value: observed, details: { history, season: rule.season } };
  if (withData.length < rule.min_history) {
    return {
      ...base,
      threshold: 0,
      breached: false,
      expected: 'not enough history yet',
      summary: `${what}: ${withData.length} of ${rule.min_history} ${rule.season}s of history`,
      skipped: 'insufficient history',
    };
  }
  const expected = median(withData);
  const floor = lo(expected);
  const ceiling = hi(expected);
  const words = `about ${Math.round(expected)} per ${per} (median of the last ${withData.length} ${rule.season}s)`;
  if (expected < rule.min_expected)
    return {
      ...base,
      threshold: floor ?? ceiling ?? 0,
      breached: false,
      expected: words,
      summary: `${what}: expected volume ${expected} is below min_expected`,
      skipped: 'expected volume too small to judge',
    };
  const low = floor !== undefined && observed < floor;
  const high = ceiling !== undefined && observed > ceiling;
  const change = Math.round(((observed - expected) / expected) * 1000) / 10;
  const threshold = Math.round((high ? (ceiling ?? 0) : (floor ?? ceiling ?? 0)) * 100) / 100;
  const summary = `${what}: ${observed} per ${per}, ${change >= 0 ? '+' : ''}${change}% against the usual ${Math.round(expected)}`;
  if (!low && !high) return { ...base, threshold, breached: false, expected: words, summary };
  const pValue = seasonalPValue(observed, withData, expected);
  const details = { ...base.details, p_value: pValue, confidence: rule.confidence };
  if (!significant(pValue, rule.confidence)) {
    // Within what the seasons' spread allows: neither a breach nor evidence of recovery.
    const why = `past the ${low ? 'drop' : 'rise'} bound, but ${NOT_SIGNIFICANT} (${formatP(pValue)}, confidence ${rule.confidence})`;
    return {
      ...base,
      details,
      threshold,
      breached: false,
      expected: words,
      summary: `${summary}: ${why}`,
      skipped: why,
    };
  }
  return { ...base, details, threshold, breached: true, expected: words, summary: `${summary} (${formatP(pValue)})` };
}
