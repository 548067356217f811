// The lag list as a page: the latest round of every group and queue, filtered, ordered and cut in the store's query,
// so ten thousand consumer groups reach the dashboard a hundred rows at a time.
import { latestLag, type LagOrder } from '@rollcall/collector/lag/queries';
import type { Broker } from '@rollcall/core/event';
import type { Store } from '@rollcall/core/store';
import type { LagResponse, LagSort, LagStatus } from '@rollcall/contract/lag';
import type { ListPage } from './page.ts';

export interface LagListQuery extends ListPage<LagSort> {
  q?: string | undefined;
  status?: LagStatus[] | undefined;
  broker?: Broker | undefined;
}

const ORDER: Record<LagSort, LagOrder> = {
  worst: 'worst',
  broker: 'broker',
  group: 'group',
  lag: 'lag',
  time: 'lag_seconds',
  consumers: 'consumers',
};

export function lagList(store: Store, now: number, query: LagListQuery): Promise<LagResponse> {
  const { sort, ...rest } = query;
  return latestLag(store, now, { ...rest, order: sort && { by: ORDER[sort.key], desc: sort.desc } });
}
