// What the RabbitMQ tap already stored, read back to tell a redelivered message from a new one (redelivery.ts).
import { queryRows } from '@rollcall/core/store/queries';
import type { Store } from '@rollcall/core/store';

export interface StoredTapBatch {
  run: number;
  batch: number;
  hashes: number[];
  /** ms: latest observed_at in the batch */
  at: number;
  /** ms: latest observed_at of anything the same run stored */
  runLast: number;
}

/** RabbitMQ tap batches since `since` that hold any of these delivery hashes, with all their hashes and how
 * close each came to the end of the run that stored it. */
export async function tapBatchesContaining(
  store: Store,
  cluster: string,
  hashes: number[],
  since: number,
): Promise<StoredTapBatch[]> {
  if (hashes.length === 0) return [];
  const scope = `broker = 'rabbitmq' AND cluster = {cluster:String} AND observed_at >= fromUnixTimestamp64Milli({since:Int64})`;
  const found = await queryRows<{ tap_run: string; tap_batch: string; hashes: string[]; at: string; run_last: string }>(
    store,
    `WITH batches AS (
       SELECT tap_run, tap_batch, groupArray(delivery_hash) AS hashes, max(observed_at) AS at FROM ${store.db}.events
       WHERE ${scope} AND tap_batch IN (SELECT DISTINCT tap_batch FROM ${store.db}.events WHERE ${scope} AND delivery_hash IN {hashes:Array(UInt64)})
       GROUP BY tap_run, tap_batch),
     runs AS (
       SELECT tap_run, max(observed_at) AS run_last FROM ${store.db}.events
       WHERE ${scope} AND tap_run IN (SELECT tap_run FROM batches) GROUP BY tap_run)
     SELECT b.tap_run AS tap_run, b.tap_batch AS tap_batch, b.hashes AS hashes,
            toUnixTimestamp64Milli(b.at) AS at, toUnixTimestamp64Milli(r.run_last) AS run_last
     FROM batches AS b INNER JOIN runs AS r ON b.tap_run = r.tap_run`,
    { cluster, since, hashes },
  );
  return found.map((r) => ({
    run: Number(r.tap_run),
    batch: Number(r.tap_batch),
    hashes: r.hashes.map(Number),
    at: Number(r.at),
    runLast: Number(r.run_last),
  }));
}
