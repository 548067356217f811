// Against the embedded ClickHouse engine.
import { describe, expect, it } from 'vitest';
import { DRAIN_MARKER_PREFIX } from '@rollcall/core/store/migrations';
import { embeddedStore } from '@rollcall/core/testing/store';
import { hasMarker, setMarker } from './markers.ts';

describe('tap markers', () => {
  const db = embeddedStore('rollcall-markers', 'markers_test');
  const now = Date.now();

  it('lets Kafka drain markers expire after a day, and no other marker', async () => {
    const dayAndABit = 25 * 3600_000;
    await setMarker(db.store, `${DRAIN_MARKER_PREFIX}local/g/old`, now - dayAndABit);
    await setMarker(db.store, `${DRAIN_MARKER_PREFIX}local/g/recent`, now - 60_000);
    await setMarker(db.store, 'kafka-first-start/local/g', now - dayAndABit);
    await db.store.client.command({ query: 'OPTIMIZE TABLE markers_test.tap_markers FINAL' }); // a merge applies the TTL
    expect(await hasMarker(db.store, `${DRAIN_MARKER_PREFIX}local/g/old`)).toBe(false);
    expect(await hasMarker(db.store, `${DRAIN_MARKER_PREFIX}local/g/recent`)).toBe(true);
    expect(await hasMarker(db.store, 'kafka-first-start/local/g')).toBe(true);
  });
});
