// Late events: rows stored after their window was judged whose event time falls inside it (a producer that
// buffered, a clock behind, a tap that caught up after the grace). Each judged window gets one second look, when
// the rule's next window comes due; if events arrived for it meanwhile, it is judged again and its new verdict
// moves the alert. Rules about silence (freshness) and consumer lag are judged from other signals and are not
// re-judged.
import type { Store } from '@rollcall/core/store';
import { eventTimeRange, queryRows } from '@rollcall/core/store/queries';
import type { Match, Rule } from '../model/rule.ts';
import { matchWhere, type Window } from './sql.ts';

/** The event streams a rule counts, when late events can change its verdict. */
export function countedMatches(rule: Rule): Match[] {
  switch (rule.type) {
    case 'ratio':
    case 'completeness':
      return [rule.a, rule.b];
    case 'volume':
    case 'baseline':
    case 'duplicates':
    case 'schema':
      return [rule.match];
    case 'freshness':
    case 'lag':
      return [];
  }
}

/** Events of the rule's streams with an event time in `window` stored after `judgedAt`. */
export async function lateEvents(store: Store, rule: Rule, window: Window, judgedAt: number): Promise<number> {
  const matches = countedMatches(rule);
  if (matches.length === 0) return 0;
  const where = matches.map((m, i) => matchWhere(m, `l${i}`));
  const [row] = await queryRows<{ n: string | number }>(
    store,
    `SELECT count() AS n FROM ${store.db}.events
     WHERE (${where.map((w) => `(${w.sql})`).join(' OR ')}) AND ${eventTimeRange('w_start', 'w_end')}
       AND observed_at > fromUnixTimestamp64Milli({judged:Int64})`,
    Object.assign({ w_start: window.start, w_end: window.end, judged: judgedAt }, ...where.map((w) => w.params)),
  );
  return Number(row?.n ?? 0);
}
