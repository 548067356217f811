// completeness: every key seen on A must show up on B within `within`. The A window is moved back by `within`
// so that each A key has had its full allowance when it is judged; B is read up to the window's end.
import type { Evaluation, EvalInput } from '../result.ts';
import type { RuleOf } from '../../model/rule.ts';
import { describeMatch, formatDuration, matchWhere, windowWhere } from '../sql.ts';
import { judgeKeyShare } from './key-share.ts';
import { queryRows } from '@rollcall/core/store/queries';

export async function evaluateCompleteness(
  rule: RuleOf<'completeness'>,
  { store, window }: EvalInput,
): Promise<Evaluation> {
  const aWindow = { start: window.start - rule.within, end: window.end - rule.within };
  const bWindow = { start: aWindow.start, end: window.end };
  const a = matchWhere(rule.a, 'a');
  const b = matchWhere(rule.b, 'b');
  const aw = windowWhere('events', aWindow, 'a');
  const bw = windowWhere('events', bWindow, 'b');
  // rule.key is one of two column names fixed by the schema, never free text
  const [row] = await queryRows<{ total: string | number; missing: string | number; sample: string[] }>(
    store,
    `WITH b_keys AS (SELECT DISTINCT ${rule.key} AS k FROM ${store.db}.events WHERE ${b.sql} AND ${bw.sql} AND ${rule.key} != '')
     SELECT count() AS total, countIf(k NOT IN b_keys) AS missing, groupArrayIf({sample:UInt32})(k, k NOT IN b_keys) AS sample
     FROM (SELECT DISTINCT ${rule.key} AS k FROM ${store.db}.events WHERE ${a.sql} AND ${aw.sql} AND ${rule.key} != '')`,
    { ...a.params, ...b.params, ...aw.params, ...bw.params, sample: Math.max(rule.sample, 1) },
  );
  const total = Number(row?.total ?? 0);
  const missing = Number(row?.missing ?? 0);
  const [onA, onB] = [describeMatch(rule.a), describeMatch(rule.b)];
  const expected =
    rule.max_missing === 0
      ? `every ${rule.key} on ${onB} within ${formatDuration(rule.within)}`
      : `at most ${rule.max_missing}% of ${rule.key}s missing on ${onB} after ${formatDuration(rule.within)}`;
  return judgeKeyShare({
    part: missing,
    whole: total,
    max: rule.max_missing,
    expected,
    subject: `${onA} → ${onB}`,
    none: `no ${rule.key}s on ${onA}`,
    summary: (share) =>
      `${missing} of ${total} ${rule.key}s (${share}%) never arrived within ${formatDuration(rule.within)}`,
    details: { keys: total, missing, missing_sample: (row?.sample ?? []).slice(0, rule.sample) },
  });
}
