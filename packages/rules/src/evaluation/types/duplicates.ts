// duplicates: the share of events whose key (message id by default) was already seen in the window.
import type { Evaluation, EvalInput } from '../result.ts';
import type { RuleOf } from '../../model/rule.ts';
import { describeMatch, formatDuration, matchWhere, windowWhere } from '../sql.ts';
import { queryRows } from '@rollcall/core/store/queries';

export async function evaluateDuplicates(
  rule: RuleOf<'duplicates'>,
  { store, window }: EvalInput,
): Promise<Evaluation> {
  const m = matchWhere(rule.match, 'm');
  const w = windowWhere('events', window, 'm');
  // rule.key is one of two column names fixed by the schema, never free text
  const [row] = await queryRows<{ n: string | number; distinct_keys: string | number }>(
    store,
    `SELECT count() AS n, uniqExact(${rule.key}) AS distinct_keys FROM ${store.db}.events WHERE ${m.sql} AND ${w.sql} AND ${rule.key} != ''`,
    { ...m.params, ...w.params },
  );
  const n = Number(row?.n ?? 0);
  const expected = `at most ${rule.max_share}% repeated ${rule.key}s`;
  if (n === 0)
    return {
      value: 0,
      threshold: rule.max_share,
      breached: false,
      expected,
      summary: `${describeMatch(rule.match)}: no events with a ${rule.key}`,
      skipped: `no events with a ${rule.key}`,
    };
  const repeated = n - Number(row?.distinct_keys ?? 0);
  const share = Math.round((repeated / n) * 10_000) / 100;
  return {
    value: share,
    threshold: rule.max_share,
    breached: share > rule.max_share,
    expected,
    summary: `${describeMatch(rule.match)}: ${repeated} of ${n} events (${share}%) repeat a ${rule.key} over ${formatDuration(rule.window)}`,
    details: { events: n, repeated },
  };
}
