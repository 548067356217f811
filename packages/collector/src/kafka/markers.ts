// Named markers in tap_markers: the Kafka tap's first start, drain tickets and partition incarnations.
import { queryRows } from '@rollcall/core/store/queries';
import type { Store } from '@rollcall/core/store';

export async function hasMarker(store: Store, name: string): Promise<boolean> {
  const found = await queryRows<{ n: string }>(
    store,
    `SELECT count() AS n FROM ${store.db}.tap_markers WHERE name = {name:String}`,
    { name },
  );
  return Number(found[0]?.n ?? 0) > 0;
}

export async function setMarker(store: Store, name: string, at: number): Promise<void> {
  await store.client.insert({
    table: `${store.db}.tap_markers`,
    values: [{ name, at: new Date(at).toISOString().slice(0, 23).replace('T', ' ') }],
    format: 'JSONEachRow',
  });
}
