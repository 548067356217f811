// Heals the per-minute rollup (by event minute) after a crash. A materialized view is written after its source part, not
// atomically with it, so a kill -9 between the two leaves raw rows the rollup never counted. At start-up,
// before any tap writes, settled minutes of the recent past are compared with the raw rows and the missing
// counts are added. Only shortfalls are repaired: the rollup is never ahead of the raw rows it was built from.
import { hash53 } from '../hash.ts';
import { EVENT_TIME_MAX_AHEAD_MS } from '../event.ts';
import type { Store } from './store.ts';

// event_at is never more than this ahead of observed_at, which bounds the raw scan by the sorting key.
const AHEAD = `toIntervalMillisecond(${EVENT_TIME_MAX_AHEAD_MS})`;

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
         raw.count - ifNull(r.count, 0) AS count, raw.bytes - ifNull(r.bytes, 0) AS bytes, raw.last_seen AS last_seen,
         raw.count AS raw_count, ifNull(r.count, 0) AS rollup_count
  FROM (
    SELECT minute, broker, cluster, stream, kind, event_type, source,
           toUInt64(sum(count)) AS count, toUInt64(sum(bytes)) AS bytes, max(last_seen) AS last_seen
    FROM (
      SELECT toStartOfMinute(event_at) AS minute, broker, cluster, stream, kind, event_type, source,
             toUInt64(count()) AS count, toUInt64(sum(size)) AS bytes, max(observed_at) AS last_seen
      FROM ${db}.events
      WHERE event_at >= toStartOfMinute(fromUnixTimestamp64Milli({from:Int64})) AND event_at < toStartOfMinute(fromUnixTimestamp64Milli({to:Int64}))
        -- rows stored after the settled point are left for a later pass, like the minutes after it
        AND observed_at >= toStartOfMinute(fromUnixTimestamp64Milli({from:Int64})) - ${AHEAD} AND observed_at < fromUnixTimestamp64Milli({to:Int64})
      GROUP BY ALL
      UNION ALL
      -- streams audited at counts: their exact counts are the raw side
      SELECT minute, broker, cluster, stream, kind, event_type, source, sum(count), sum(bytes), max(last_seen)
      FROM ${db}.event_counts
      WHERE minute >= toStartOfMinute(fromUnixTimestamp64Milli({from:Int64})) AND minute < toStartOfMinute(fromUnixTimestamp64Milli({to:Int64}))
        AND last_seen < fromUnixTimestamp64Milli({to:Int64})
      GROUP BY ALL)
    GROUP BY ALL) AS raw
  LEFT JOIN (
    SELECT minute, broker, cluster, stream, kind, event_type, source, sum(count) AS count, sum(bytes) AS bytes
    FROM ${db}.events_per_minute
    WHERE minute >= toStartOfMinute(fromUnixTimestamp64Milli({from:Int64})) AND minute < toStartOfMinute(fromUnixTimestamp64Milli({to:Int64}))
    GROUP BY ALL) AS r
  USING (minute, broker, cluster, stream, kind, event_type, source)
  WHERE raw.count > ifNull(r.count, 0)`;

interface Cell {
  count: string | number;
  raw_count: string | number;
  rollup_count: string | number;
  [dimension: string]: unknown;
}

export async function reconcileRollup(store: Store, { from, settledBefore }: ReconcileWindow): Promise<number> {
  // One scan: after a crash the shortfall is a handful of cells, so they come back here and go in as rows.
  const rs = await store.client.query({
    query: shortfallSql(store.db),
    query_params: { from, to: settledBefore },
    format: 'JSONEachRow',
  });
  const cells = await rs.json<Cell>();
  for (const { raw_count, rollup_count, ...cell } of cells) {
    // One insert per cell, its token naming the cell and the counts the repair was computed from. Two collectors
    // that start together and find the same shortfall write it once: ClickHouse drops the second as a duplicate
    // block. The same cell cannot come up short again with the same counts: only settled minutes are repaired,
    // and no raw row lands in one later. Inline settings, because chDB turns per-query clickhouse_settings into
    // session-wide SETs.
    const token = `rollup-repair/${hash53(JSON.stringify([cell, Number(raw_count), Number(rollup_count)])).toString(36)}`;
    await store.client.command({
      query: `INSERT INTO ${store.db}.events_per_minute SETTINGS insert_deduplication_token = '${token}' FORMAT JSONEachRow\n${JSON.stringify(cell)}`,
    });
  }
  return cells.reduce((sum, cell) => sum + Number(cell.count), 0);
}
