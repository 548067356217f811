// Heals the per-minute rollup after a crash. A materialized view is written after its source part, not
// atomically with it, so a kill -9 between the two leaves raw rows the rollup never counted. At start-up,
// before any tap writes, settled minutes of the recent past are compared with the raw rows and the missing
// counts are added. Only shortfalls are repaired: the rollup is never ahead of the raw rows it was built from.
import { randomUUID } from 'node:crypto';
import type { Store } from './store.ts';

export interface ReconcileWindow {
  /** ms since epoch: how far back to look */
  from: number;
  /** ms since epoch: minutes starting at or after this are left alone (they may still be in flight) */
  settledBefore: number;
}

/** Rollup cells (minute × dimensions) where raw rows outnumber what the rollup holds, with the shortfall. */
const shortfallSql = (db: string) => `
  SELECT raw.minute AS minute, raw.broker AS broker, raw.cluster AS cluster, raw.stream AS stream, raw.kind AS kind,
         raw.event_type AS event_type, raw.source AS source,
         raw.count - ifNull(r.count, 0) AS count, raw.bytes - ifNull(r.bytes, 0) AS bytes, raw.last_seen AS last_seen
  FROM (
    SELECT toStartOfMinute(observed_at) AS minute, broker, cluster, stream, kind, event_type, source,
           toUInt64(count()) AS count, toUInt64(sum(size)) AS bytes, max(observed_at) AS last_seen
    FROM ${db}.events
    WHERE observed_at >= toStartOfMinute(fromUnixTimestamp64Milli({from:Int64})) AND observed_at < toStartOfMinute(fromUnixTimestamp64Milli({to:Int64}))
    GROUP BY ALL) AS raw
  LEFT JOIN (
    SELECT minute, broker, cluster, stream, kind, event_type, source, sum(count) AS count, sum(bytes) AS bytes
    FROM ${db}.events_per_minute
    WHERE minute >= toStartOfMinute(fromUnixTimestamp64Milli({from:Int64})) AND minute < toStartOfMinute(fromUnixTimestamp64Milli({to:Int64}))
    GROUP BY ALL) AS r
  USING (minute, broker, cluster, stream, kind, event_type, source)
  WHERE raw.count > ifNull(r.count, 0)`;

export async function reconcileRollup(store: Store, { from, settledBefore }: ReconcileWindow): Promise<number> {
  // One scan: after a crash the shortfall is a handful of cells, so they come back here and go in as rows.
  const rs = await store.client.query({ query: shortfallSql(store.db), query_params: { from, to: settledBefore }, format: 'JSONEachRow' });
  const cells = await rs.json<{ count: string | number }>();
  if (cells.length === 0) return 0;
  // Two crashes can leave identical shortfalls, and block deduplication (this table keeps a window for the taps'
  // tokens; insert_deduplicate = 0 does not lift it) would drop the second repair: each repair gets its own token.
  // Inline, because chDB turns per-query clickhouse_settings into session-wide SETs.
  await store.client.command({
    query: `INSERT INTO ${store.db}.events_per_minute SETTINGS insert_deduplication_token = 'rollup-repair/${randomUUID()}' FORMAT JSONEachRow\n${cells.map((cell) => JSON.stringify(cell)).join('\n')}`,
  });
  return cells.reduce((sum, cell) => sum + Number(cell.count), 0);
}
