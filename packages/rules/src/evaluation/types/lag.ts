// lag: a consumer group or queue is too far behind, or the lag sampler judged it stopped/stalled. Reads the
// sampler's per-round status rows (lag_status); the newest round inside the window decides, per group.
import { queryRows } from '@rollcall/core/store/queries';
import type { Evaluation, EvalInput } from '../result.ts';
import type { Consumer, RuleOf } from '../../model/rule.ts';
import { globToLike } from '../sql.ts';

export function describeConsumer(c: Consumer): string {
  return `${c.broker ?? 'any broker'} ${c.broker === 'rabbitmq' ? 'queue' : c.broker === 'kafka' ? 'group' : 'consumer'} ${c.group}`;
}

interface GroupRow {
  broker: string;
  grp: string;
  behind: string | number;
  secs: string | number;
  st: string;
  why: string;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export async function evaluateLag(rule: RuleOf<'lag'>, { store, window }: EvalInput): Promise<Evaluation> {
  const rows = await queryRows<GroupRow>(
    store,
    `SELECT broker, group_name AS grp, argMax(lag, at) AS behind, argMax(lag_seconds, at) AS secs, argMax(status, at) AS st, argMax(reason, at) AS why
     FROM ${store.db}.lag_status
     WHERE at > fromUnixTimestamp64Milli({start:Int64}) AND at <= fromUnixTimestamp64Milli({end:Int64})
       AND group_name LIKE {group:String} ${rule.consumer.broker ? 'AND broker = {broker:String}' : ''} ${rule.consumer.cluster ? 'AND cluster = {cluster:String}' : ''}
     GROUP BY broker, grp ORDER BY broker, grp`,
    {
      start: window.start,
      end: window.end,
      group: globToLike(rule.consumer.group),
      broker: rule.consumer.broker ?? '',
      cluster: rule.consumer.cluster ?? '',
    },
  );
  const bySeconds = rule.max_messages === undefined && rule.max_seconds !== undefined;
  const threshold = (bySeconds ? rule.max_seconds : rule.max_messages) ?? 0;
  const expected = [
    rule.max_messages !== undefined ? `at most ${fmt(rule.max_messages)} messages behind` : '',
    rule.max_seconds !== undefined ? `at most ${rule.max_seconds}s behind` : '',
    rule.statuses.length ? `status not ${rule.statuses.join('/')}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  if (rows.length === 0)
    return {
      value: 0,
      threshold,
      breached: false,
      expected,
      summary: `${describeConsumer(rule.consumer)}: no lag samples in the window`,
      skipped: 'no lag samples',
    };

  const judged = rows.map((r) => {
    const behind = Number(r.behind);
    const secs = Number(r.secs);
    const reasons = [
      rule.max_messages !== undefined && behind > rule.max_messages
        ? `${fmt(behind)} messages behind (> ${fmt(rule.max_messages)})`
        : '',
      rule.max_seconds !== undefined && secs > rule.max_seconds
        ? `${Math.round(secs)}s behind (> ${rule.max_seconds}s)`
        : '',
      (rule.statuses as string[]).includes(r.st) ? `${r.st}: ${r.why}` : '',
    ].filter(Boolean);
    return { name: `${r.broker} ${r.grp}`, behind, secs, reasons };
  });
  const breaching = judged.filter((j) => j.reasons.length > 0);
  const worst = [...judged].sort((a, b) => (bySeconds ? b.secs - a.secs : b.behind - a.behind))[0];
  const value = bySeconds ? (worst?.secs ?? 0) : (worst?.behind ?? 0);
  return {
    value,
    threshold,
    breached: breaching.length > 0,
    expected,
    summary: breaching.length
      ? breaching.map((b) => `${b.name}: ${b.reasons.join('; ')}`).join(' · ')
      : `${judged.length} consumer${judged.length === 1 ? '' : 's'} within bounds (worst ${worst?.name}: ${fmt(worst?.behind ?? 0)} messages, ${Math.round(worst?.secs ?? 0)}s)`,
    details: { groups: judged.map((j) => ({ name: j.name, lag: j.behind, lag_seconds: j.secs, breached: j.reasons })) },
  };
}
