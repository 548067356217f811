// duplicates: the share of events whose key (message id by default) was already seen in the window.
import type { Evaluation, EvalInput } from '../result.ts';
import type { RuleOf } from '../../model/rule.ts';
import { describeMatch, formatDuration, matchWhere, windowWhere } from '../sql.ts';
import { judgeKeyShare } from './key-share.ts';
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
  const repeated = n - Number(row?.distinct_keys ?? 0);
  return judgeKeyShare({
    part: repeated,
    whole: n,
    max: rule.max_share,
    expected,
    subject: describeMatch(rule.match),
    none: `no events with a ${rule.key}`,
    summary: (share) =>
      `${repeated} of ${n} events (${share}%) repeat a ${rule.key} over ${formatDuration(rule.window)}`,
    details: { events: n, repeated },
  });
}
