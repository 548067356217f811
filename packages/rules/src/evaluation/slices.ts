// Slices: a rule with `group_by` counts each value of one dimension (stream, event_type, source, routing_key) on its own
// and judges each like a rule of its own, so a 40% drop of one slice of four fires for that slice while the total
// moves by 10%. A slice is judged while it has events in the window, in the stretch before it (`recentOf`, or the
// baseline's past seasons), or an open alert: one that vanished counts 0 and breaches, it is not forgotten.
import type { Store } from '@rollcall/core/store';
import { queryRows } from '@rollcall/core/store/queries';
import type { Evaluation, SliceEvaluation } from './result.ts';
import { maxGroupsOf, type GroupKey, type Match, type RuleOf } from '../model/rule.ts';
import { describeMatch, matchWhere, sourceFor, tableOf, windowWhere, type Window } from './sql.ts';

export type SlicedRule = RuleOf<'volume'> | RuleOf<'baseline'> | RuleOf<'ratio'>;

/** A slice with events this long before the window and none in it is judged at 0: an hour covers a slice that
 * stopped while the windows since were waiting or not watched, at the cost of one grouped scan of an hour. */
export const RECENT_MS = 3_600_000;

/** The stretch before a window in which a slice still counts as seen. */
export const recentOf = (window: Window): Window => ({
  start: window.start - Math.max(RECENT_MS, window.end - window.start),
  end: window.start,
});

export interface Grouped {
  /** `counts[k]`: the slice's count in `windows[k]`; busiest first (by all windows together), `keep` before all. */
  slices: { group: string; counts: number[] }[];
  /** Values seen in the windows, including those past `max`. */
  seen: number;
}

export interface GroupOptions {
  /** At most this many slices. */
  max: number;
  /** Slices judged whatever their volume (their alert is open), even with no events at all. */
  keep?: string[];
  /** Only these slices (the b side of a ratio counts a's slices). */
  only?: string[];
  p?: string;
}

/** Counts per value of `key` in each window, in one scan. */
export async function countsBy(
  store: Store,
  match: Match,
  key: GroupKey,
  windows: Window[],
  { max, keep = [], only, p = 'm' }: GroupOptions,
): Promise<Grouped> {
  const first = windows[0];
  if (!first || only?.length === 0) return { slices: [], seen: 0 };
  const source = sourceFor(match, first, key);
  const m = matchWhere(match, p);
  const ranges = windows.map((w, k) => windowWhere(source, w, `${p}${k}`));
  const columns = ranges.map((r, k) =>
    source === 'rollup' ? `sumIf(count, ${r.sql}) AS c${k}` : `countIf(${r.sql}) AS c${k}`,
  );
  const total = ranges.map((_, k) => `c${k}`).join(' + ');
  const filter = only ? ` AND ${key} IN {${p}_only:Array(String)}` : '';
  // `key` is one of GROUP_KEYS, never rule text. The window function counts every value before LIMIT cuts them.
  const rows = await queryRows<Record<string, string | number>>(
    store,
    `SELECT g, ${ranges.map((_, k) => `c${k}`).join(', ')}, seen FROM (
       SELECT ${key} AS g, ${columns.join(', ')}, count() OVER () AS seen
       FROM ${tableOf(store, source)} WHERE ${m.sql}${filter} AND (${ranges.map((r) => `(${r.sql})`).join(' OR ')}) GROUP BY g)
     ORDER BY has({${p}_keep:Array(String)}, g) DESC, ${total} DESC, g LIMIT {${p}_max:UInt32}`,
    Object.assign(
      { [`${p}_keep`]: keep, [`${p}_max`]: max, ...(only ? { [`${p}_only`]: only } : {}) },
      m.params,
      ...ranges.map((r) => r.params),
    ),
  );
  const slices = rows.map((row) => ({
    group: String(row.g),
    counts: windows.map((_, k) => Number(row[`c${k}`] ?? 0)),
  }));
  const missing = keep
    .filter((g) => !slices.some((s) => s.group === g))
    .map((group) => ({ group, counts: windows.map(() => 0) }));
  const seen = Number(rows[0]?.seen ?? 0);
  return { slices: [...missing, ...slices], seen: seen + missing.length };
}

/** The match narrowed to one slice, in words. */
export const describeSlice = (match: Match, key: GroupKey, group: string): string =>
  `${describeMatch(match)} ${key}=${group === '' ? '(none)' : group}`;

/** The rule's evaluation from its slices': breached when any slice is, judged when any slice was, and the slices
 * past `max_groups` said. The rule-level numbers are those of the first breached slice (else the busiest). */
export function combineSlices(
  rule: SlicedRule & { group_by: GroupKey },
  grouped: Grouped,
  judge: (group: string, counts: number[]) => Evaluation,
): Evaluation {
  const key = rule.group_by;
  const slices: SliceEvaluation[] = grouped.slices.map(({ group, counts }) => ({
    key,
    group,
    evaluation: judge(group, counts),
  }));
  const breached = slices.filter((s) => s.evaluation.breached);
  const judged = slices.filter((s) => !s.evaluation.skipped);
  const dropped = Math.max(0, grouped.seen - slices.length);
  const lead = breached[0] ?? judged[0] ?? slices[0];
  const beyond = dropped > 0 ? `; ${dropped} more ${key} values not watched (max_groups ${maxGroupsOf(rule)})` : '';
  const verdict =
    breached.length > 0
      ? `${breached.length} of ${slices.length} ${key} slices breach: ${breached.map((s) => s.evaluation.summary).join('; ')}`
      : `${slices.length} ${key} slices, ${judged.length} judged, none breached`;
  const skipped =
    slices.length === 0
      ? `no ${key} slice had events in the window or the time before it`
      : judged.length === 0
        ? `no slice could be judged: ${lead?.evaluation.skipped ?? ''}`
        : undefined;
  return {
    value: lead?.evaluation.value ?? 0,
    threshold: lead?.evaluation.threshold ?? 0,
    breached: breached.length > 0,
    expected: lead?.evaluation.expected ?? '',
    summary: `${verdict}${beyond}`,
    ...(skipped ? { skipped } : {}),
    details: { group_by: key, slices: slices.length, breached: breached.map((s) => s.group), dropped },
    slices,
  };
}

/** The alert labels of one slice: the rule's, and the slice under the group_by key's name. */
export const sliceLabels = (labels: Record<string, string>, slice: SliceEvaluation): Record<string, string> => ({
  ...labels,
  [slice.key]: slice.group,
});
