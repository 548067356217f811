// Against the embedded ClickHouse engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@rollcall/core/config';
import { openStore, type Store } from '@rollcall/core/store';
import { DRAIN_MARKER_PREFIX } from '@rollcall/core/store/migrations';
import { tempDir } from '@rollcall/core/testing/brokers';
import { hasMarker, setMarker } from './markers.ts';

describe('tap markers', () => {
  let store: Store;
  const now = Date.now();

  beforeAll(async () => {
    store = await openStore(parseConfig(`clickhouse: { data_dir: ${tempDir('rollcall-markers')}, database: markers_test }`, 'markers.test.ts').clickhouse);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('lets Kafka drain markers expire after a day, and no other marker', async () => {
    const dayAndABit = 25 * 3600_000;
    await setMarker(store, `${DRAIN_MARKER_PREFIX}local/g/old`, now - dayAndABit);
    await setMarker(store, `${DRAIN_MARKER_PREFIX}local/g/recent`, now - 60_000);
    await setMarker(store, 'kafka-first-start/local/g', now - dayAndABit);
    await store.client.command({ query: 'OPTIMIZE TABLE markers_test.tap_markers FINAL' }); // a merge applies the TTL
    expect(await hasMarker(store, `${DRAIN_MARKER_PREFIX}local/g/old`)).toBe(false);
    expect(await hasMarker(store, `${DRAIN_MARKER_PREFIX}local/g/recent`)).toBe(true);
    expect(await hasMarker(store, 'kafka-first-start/local/g')).toBe(true);
  });
});
