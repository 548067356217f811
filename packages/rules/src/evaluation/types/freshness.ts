// freshness: the newest matching event must be younger than max_silence. Reads the rollup's last_seen (the
// whole retained history is a few rows per minute), raw events only for a routing-key match.
import type { Evaluation, EvalInput } from '../result.ts';
import type { RuleOf } from '../../model/rule.ts';
import { describeMatch, formatDuration, matchWhere } from '../sql.ts';
import { queryRows } from '@rollcall/core/store/queries';

export async function evaluateFreshness(rule: RuleOf<'freshness'>, { store, window }: EvalInput): Promise<Evaluation> {
  const m = matchWhere(rule.match, 'm');
  const raw = rule.match.routing_key !== undefined;
  const query = raw
    ? `SELECT toUnixTimestamp64Milli(max(observed_at)) AS last, count() AS n FROM ${store.db}.events WHERE ${m.sql} AND observed_at < fromUnixTimestamp64Milli({end:Int64})`
    : // the minute holding `end` may also hold later events; an event after `end` still means alive at `end`
      `SELECT least(toUnixTimestamp64Milli(max(last_seen)), {end:Int64}) AS last, count() AS n FROM ${store.db}.events_per_minute WHERE ${m.sql} AND minute <= toDateTime(intDiv({end:Int64}, 1000), 'UTC')`;
  const [row] = await queryRows<{ last: string | number; n: string | number }>(store, query, {
    ...m.params,
    end: window.end,
  });
  const expected = `an event at least every ${formatDuration(rule.max_silence)}`;
  const threshold = rule.max_silence / 1000;
  if (Number(row?.n ?? 0) === 0)
    return {
      value: 0,
      threshold,
      breached: false,
      expected,
      summary: `${describeMatch(rule.match)} has never been seen`,
      skipped: 'never seen',
    };
  const last = Number(row?.last);
  const silence = Math.max(0, window.end - last);
  const breached = silence > rule.max_silence;
  return {
    value: Math.round(silence / 1000),
    threshold,
    breached,
    expected,
    summary: `${describeMatch(rule.match)}: last event ${formatDuration(Math.round(silence / 1000) * 1000)} ago${breached ? `, silent for longer than ${formatDuration(rule.max_silence)}` : ''}`,
    details: { last_seen: new Date(last).toISOString() },
  };
}
