// The lag list as a page: the latest round of every group and queue, filtered, ordered and cut on the server, so
// ten thousand consumer groups reach the dashboard a hundred rows at a time.
import { latestLag } from '@rollcall/collector/lag/queries';
import type { Broker } from '@rollcall/core/event';
import type { Store } from '@rollcall/core/store';
import type { LagGroup, LagResponse, LagSort, LagStatus } from '@rollcall/contract/lag';
import { pageOf, type ListPage } from './page.ts';

export interface LagListQuery extends ListPage<LagSort> {
  q?: string | undefined;
  status?: LagStatus[] | undefined;
  broker?: Broker | undefined;
}

const RANK: Record<LagStatus, number> = { ERR: 0, STOP: 1, STALL: 2, WARN: 3, OK: 4 };

const worst = (a: LagGroup, b: LagGroup) =>
  RANK[a.status] - RANK[b.status] || b.lag_seconds - a.lag_seconds || b.lag - a.lag;

const BY: Record<LagSort, (g: LagGroup) => string | number> = {
  worst: (g) => RANK[g.status],
  broker: (g) => g.broker,
  group: (g) => g.group,
  lag: (g) => g.lag,
  time: (g) => g.lag_seconds,
  consumers: (g) => g.consumers,
};

export async function lagList(store: Store, now: number, query: LagListQuery): Promise<LagResponse> {
  const latest = await latestLag(store, now);
  const needle = query.q?.trim().toLowerCase() ?? '';
  const matching = latest.groups.filter(
    (g) =>
      (!query.broker || g.broker === query.broker) &&
      (!needle || `${g.group} ${g.streams.join(' ')}`.toLowerCase().includes(needle)),
  );
  const counts: Partial<Record<LagStatus, number>> = {};
  for (const g of matching) counts[g.status] = (counts[g.status] ?? 0) + 1;
  const shown = query.status ? matching.filter((g) => query.status?.includes(g.status)) : matching;
  // The store answers worst first already; other orders keep worst first among equals.
  const sort = query.sort && query.sort.key !== 'worst' ? query.sort : undefined;
  const ordered =
    query.sort?.key === 'worst' ? [...shown].sort((a, b) => (query.sort?.desc ? -worst(a, b) : worst(a, b))) : shown;
  const { total, rows } = pageOf(ordered, sort && { value: BY[sort.key], desc: sort.desc }, query);
  return { at: latest.at, total, counts, groups: rows };
}
