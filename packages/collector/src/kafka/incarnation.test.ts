// Against the embedded ClickHouse engine.
import { describe, expect, it } from 'vitest';
import { embeddedStore } from '@rollcall/core/testing/store';
import { eventRow } from '@rollcall/core/testing/event-row';
import { kafkaHighWater } from './incarnation.ts';

describe('kafkaHighWater', () => {
  const db = embeddedStore('rollcall-high-water', 'high_water_test');
  const now = Date.now();
  const row = (offset: number, partition: number) => eventRow(now, { stream: 'hw', partition, offset });
  /** Partitions of `hw` in `table` answered from the projection written inside each part, not by scanning rows:
   * the query fails if the projection cannot answer it. */
  const partitionsFromProjection = async (table: 'events' | 'event_counts') => {
    const rs = await db.store.client.query({
      // inline SETTINGS: chDB's connection turns clickhouse_settings into session-wide SETs that outlive the query
      query: `SELECT partition, max(offset) FROM high_water_test.${table} WHERE broker = 'kafka' AND cluster = 'local' AND stream = 'hw' GROUP BY partition
              SETTINGS force_optimize_projection = 1, preferred_optimize_projection_name = 'kafka_high_water'`,
      format: 'JSONEachRow',
    });
    return (await rs.json()).length;
  };

  it('keeps the highest stored offset per partition', async () => {
    await db.store.insertEvents([row(10, 0), row(7, 1)], 'hw-1', 3);
    await db.store.insertEvents([row(11, 0)], 'hw-2', 4);
    expect(await kafkaHighWater(db.store, 'local', 'hw')).toEqual(
      new Map([
        [0, 11],
        [1, 7],
      ]),
    );
    expect(await partitionsFromProjection('events')).toBe(2);
  });

  it('takes the offsets a counts-audited partition stored in event_counts, from its projection too', async () => {
    await db.store.insertEvents([row(20, 2), row(25, 2), row(3, 3)], 'hw-3', 5, 'counts');
    expect(await kafkaHighWater(db.store, 'local', 'hw')).toEqual(
      new Map([
        [0, 11],
        [1, 7],
        [2, 25],
        [3, 3],
      ]),
    );
    expect(await partitionsFromProjection('event_counts')).toBe(2);
  });
});
