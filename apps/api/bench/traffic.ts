// What the API benches seed an embedded store with: synthetic publishes, and the row counts that tell a store
// seeded by an earlier run (--dir) from a fresh one.
import type { EventRow } from '@rollcall/core/event';
import type { Store } from '@rollcall/core/store';
import { queryRows } from '@rollcall/core/store/queries';
import { eventRow } from '@rollcall/core/testing/event-row';

/** The `i`th synthetic publish at `at`: a Kafka publish gets partition and offset from `i`, a RabbitMQ one none. */
export function benchEvent(
  at: number,
  i: number,
  fields: Pick<EventRow, 'broker' | 'stream' | 'event_type' | 'source' | 'message_id' | 'schema_fingerprint'> &
    Partial<EventRow>,
): EventRow {
  const kafka = fields.broker === 'kafka';
  return eventRow(at, {
    broker_ts: at - 3,
    cluster: 'bench',
    partition: kafka ? i % 6 : -1,
    offset: kafka ? i : -1,
    correlation_id: `c${i}`,
    key_hash: i,
    size: 200 + (i % 300),
    header_count: 4,
    ...fields,
  });
}

export async function tableRows(store: Store, table: string): Promise<number> {
  const [row] = await queryRows<{ n: string }>(store, `SELECT count() AS n FROM ${store.db}.${table}`, {});
  return Number(row?.n ?? 0);
}
