// What /metrics reads from the store: which streams get their own label.
import type { Store } from '@rollcall/core/store';
import { queryRows } from '@rollcall/core/store/queries';

/** The `n` streams with the most traffic over the last hour, from the per-minute rollup. */
export async function busiestStreams(store: Store, n: number): Promise<{ broker: string; stream: string }[]> {
  return queryRows<{ broker: string; stream: string }>(
    store,
    `SELECT broker, stream FROM ${store.db}.events_per_minute WHERE minute >= now() - INTERVAL 1 HOUR
     GROUP BY broker, stream ORDER BY sum(count) DESC, broker, stream LIMIT {n:UInt32}`,
    { n },
  );
}
