// SQL fragments shared by the rule types. Rule values reach ClickHouse only as query parameters; the only text
// spliced in is column names from a fixed list. Whole-minute windows read the per-minute rollup, anything
// finer (or a routing-key glob or slice, which the rollup does not keep) reads raw events.
import type { Store } from '@rollcall/core/store';
import { eventTimeRange, queryRows } from '@rollcall/core/store/queries';
import type { Match } from '../model/rule.ts';

export interface Window {
  start: number;
  end: number;
}

export type Source = 'events' | 'rollup';

const MINUTE = 60_000;
const GLOB = /[*?]/;

/** `*` and `?` become LIKE wildcards; LIKE's own % and _ are escaped so they match literally. */
export function globToLike(glob: string): string {
  return glob
    .replace(/[\\%_]/g, (c) => `\\${c}`)
    .replace(/\*/g, '%')
    .replace(/\?/g, '_');
}

/** `groupBy`: slicing by routing key needs raw rows too, and so does `routed` (the rollup keeps no queues). */
export function sourceFor(match: Match, window: Window, groupBy?: string): Source {
  return match.routing_key === undefined &&
    match.routed === undefined &&
    groupBy !== 'routing_key' &&
    window.start % MINUTE === 0 &&
    window.end % MINUTE === 0
    ? 'rollup'
    : 'events';
}

export function tableOf(store: Store, source: Source): string {
  return source === 'rollup' ? `${store.db}.events_per_minute` : `${store.db}.events`;
}

export interface Fragment {
  sql: string;
  params: Record<string, unknown>;
}

const FIELDS = ['cluster', 'stream', 'event_type', 'source', 'routing_key'] as const;

/** The match as a WHERE condition; `p` prefixes parameter names so two matches can share one query. */
export function matchWhere(match: Match, p: string): Fragment {
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  if (match.broker) {
    parts.push(`broker = {${p}_broker:String}`);
    params[`${p}_broker`] = match.broker;
  }
  parts.push(`kind = {${p}_kind:String}`);
  params[`${p}_kind`] = match.kind;
  for (const field of FIELDS) {
    const value = match[field];
    if (value === undefined) continue;
    const glob = GLOB.test(value);
    parts.push(glob ? `${field} LIKE {${p}_${field}:String}` : `${field} = {${p}_${field}:String}`);
    params[`${p}_${field}`] = glob ? globToLike(value) : value;
  }
  if (match.routed !== undefined) parts.push(match.routed ? 'notEmpty(routed_queues)' : 'empty(routed_queues)');
  return { sql: parts.join(' AND '), params };
}

/** Time range condition for one window on either source, by event time (the rollup's minute is one too). */
export function windowWhere(source: Source, window: Window, p: string): Fragment {
  const params = { [`${p}_start`]: window.start, [`${p}_end`]: window.end };
  if (source === 'rollup') {
    const cast = (name: string) => `toDateTime(intDiv({${name}:Int64}, 1000), 'UTC')`;
    return { sql: `minute >= ${cast(`${p}_start`)} AND minute < ${cast(`${p}_end`)}`, params };
  }
  return { sql: eventTimeRange(`${p}_start`, `${p}_end`), params };
}

export const countExpr = (source: Source) => (source === 'rollup' ? 'sum(count)' : 'count()');

/** Events matching `match` in the window. */
export async function countIn(store: Store, match: Match, window: Window, p = 'm'): Promise<number> {
  const source = sourceFor(match, window);
  const m = matchWhere(match, p);
  const w = windowWhere(source, window, p);
  const [row] = await queryRows<{ n: string | number }>(
    store,
    `SELECT ${countExpr(source)} AS n FROM ${tableOf(store, source)} WHERE ${m.sql} AND ${w.sql}`,
    { ...m.params, ...w.params },
  );
  return Number(row?.n ?? 0);
}

export function describeMatch(match: Match): string {
  const what = [
    match.broker,
    match.stream ?? '*',
    match.event_type ? `type ${match.event_type}` : '',
    match.source ? `from ${match.source}` : '',
    match.routing_key ? `key ${match.routing_key}` : '',
    match.routed === false ? 'unroutable' : match.routed ? 'routed' : '',
  ];
  return `${what.filter(Boolean).join(' ')} (${match.kind})`;
}

export const formatDuration = (ms: number): string => {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
};
