// schema: a payload shape (fingerprint of its JSON key paths) never seen before for an event type that had
// shapes before, or a key path that every earlier shape in the previous window had and no current one has.
import type { Evaluation, EvalInput } from '../result.ts';
import type { RuleOf } from '../../model/rule.ts';
import { describeMatch, matchWhere, windowWhere } from '../sql.ts';
import { queryRows } from '@rollcall/core/store/queries';

interface Shape {
  event_type: string;
  fingerprint: string | number;
  paths: string[];
}

export async function evaluateSchema(rule: RuleOf<'schema'>, { store, window }: EvalInput): Promise<Evaluation> {
  const m = matchWhere(rule.match, 'm');
  const shapesIn = async (start: number, end: number, p: string) => {
    const w = windowWhere('events', { start, end }, p);
    return queryRows<Shape>(
      store,
      `SELECT c.event_type AS event_type, c.fingerprint AS fingerprint, s.paths AS paths
       FROM (SELECT event_type, schema_fingerprint AS fingerprint FROM ${store.db}.events
             WHERE ${m.sql} AND ${w.sql} AND schema_fingerprint != 0 GROUP BY event_type, fingerprint) AS c
       INNER JOIN (SELECT fingerprint, any(paths) AS paths FROM ${store.db}.schemas GROUP BY fingerprint) AS s ON s.fingerprint = c.fingerprint`,
      { ...m.params, ...w.params },
    );
  };
  const [current, previous] = await Promise.all([
    shapesIn(window.start, window.end, 'c'),
    shapesIn(window.start - (window.end - window.start), window.start, 'p'),
  ]);
  const findings: string[] = [];
  for (const eventType of new Set(current.map((s) => s.event_type))) {
    const now = current.filter((s) => s.event_type === eventType);
    const before = previous.filter((s) => s.event_type === eventType);
    if (rule.on.includes('new_fingerprint')) {
      const known = await knownBefore(rule, store, eventType, window.start);
      const fresh = now.filter((s) => known.size > 0 && !known.has(Number(s.fingerprint)));
      for (const s of fresh)
        findings.push(`${eventType || '(no type)'}: new payload shape ${Number(s.fingerprint).toString(16)}`);
    }
    if (rule.on.includes('missing_field') && before.length > 0) {
      const everyBefore = before
        .map((s) => new Set(s.paths))
        .reduce((acc, set) => new Set([...acc].filter((p) => set.has(p))));
      const anyNow = new Set(now.flatMap((s) => s.paths));
      for (const path of everyBefore)
        if (!anyNow.has(path)) findings.push(`${eventType || '(no type)'}: field ${path} disappeared`);
    }
  }
  return {
    value: findings.length,
    threshold: 0,
    breached: findings.length > 0,
    expected: 'no new payload shapes and no missing fields',
    summary: findings.length
      ? `${describeMatch(rule.match)}: ${findings.slice(0, 5).join('; ')}${findings.length > 5 ? ` and ${findings.length - 5} more` : ''}`
      : `${describeMatch(rule.match)}: payload shapes unchanged`,
    details: { findings },
  };
}

/** Fingerprints of this event type first seen before the window. Not only those first seen within `history`:
 * a stream whose shape is older than that had an empty known set, so a new shape was never flagged. */
async function knownBefore(
  rule: RuleOf<'schema'>,
  store: EvalInput['store'],
  eventType: string,
  start: number,
): Promise<Set<number>> {
  const rows = await queryRows<{ fingerprint: string | number }>(
    store,
    `SELECT fingerprint FROM ${store.db}.schemas WHERE event_type = {event_type:String} ${rule.match.broker ? 'AND broker = {broker:String}' : ''}
     GROUP BY fingerprint HAVING min(first_seen) < fromUnixTimestamp64Milli({start:Int64})`,
    { event_type: eventType, broker: rule.match.broker ?? '', start },
  );
  return new Set(rows.map((r) => Number(r.fingerprint)));
}
