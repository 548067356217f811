// Where a collector message's time goes, measured outside the timed runs on records shaped like the ones
// kafkajs hands the tap: metadata extraction, JSON row serialisation, and the store insert itself.
import { performance } from 'node:perf_hooks';
import type { Config } from '@rollcall/core/config/schema';
import type { EventRow } from '@rollcall/core/event';
import { insertPayload, type Store } from '@rollcall/core/store';
import { kafkaRecordToEvent, type KafkaRecord } from '@rollcall/collector/metadata/kafka';
import { messageOf } from './messages.ts';

export interface StageCosts {
  sample: number;
  /** kafkaRecordToEvent: header decode, JSON parse, key paths, fingerprint hash. */
  extractUsPerMsg: number;
  /** Building the embedded store's insert payload from the rows, on the main thread: Arrow columns (TabSeparated
   * text for a batch Arrow cannot carry), as store.ts does. */
  serializeUsPerMsg: number;
  /** store.insertEvents of already-extracted rows (payload + chDB insert + MergeTree write + views). */
  insert: { batchRows: number; usPerMsg: number; rowsPerSec: number; msPerBatch: number };
}

function asFetched(i: number, size: number): KafkaRecord {
  const m = messageOf(i, size);
  const headers: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(m.headers)) headers[k] = Buffer.from(v);
  return {
    key: Buffer.from(m.key),
    value: Buffer.from(m.value),
    timestamp: String(1_700_000_000_000 + i),
    offset: String(i),
    headers,
  };
}

const time = (fn: () => void): number => {
  const t = performance.now();
  fn();
  return performance.now() - t;
};

export async function measureStageCosts(
  store: Store,
  config: Config,
  opts: { stream: string; size: number; sample: number; batchRows: number },
): Promise<StageCosts> {
  const records = Array.from({ length: opts.sample }, (_, i) => asFetched(i, opts.size));
  const ctx = {
    cluster: config.kafka.cluster,
    topic: opts.stream,
    partition: 0,
    observedAt: Date.now(),
    extract: config.extract,
  };
  let rows: EventRow[] = [];
  const extract = () => {
    rows = records.map((r) => kafkaRecordToEvent(r, ctx).row);
  };
  extract(); // warm-up: let V8 optimise before the timed pass
  const extractMs = time(extract);

  const serialize = () => {
    for (let from = 0; from < rows.length; from += opts.batchRows) {
      const payload = insertPayload('rows', rows.slice(from, from + opts.batchRows), 1, store.run);
      if (!payload.arrow?.()) payload.tsv();
    }
  };
  serialize();
  const serializeMs = time(serialize);

  let insertMs = 0;
  let batches = 0;
  for (let from = 0; from < rows.length; from += opts.batchRows, batches++) {
    const batch = rows.slice(from, from + opts.batchRows);
    const started = performance.now();
    await store.insertEvents(batch, `bench-probe/${opts.stream}/${from}`, from + 1);
    insertMs += performance.now() - started;
  }
  return {
    sample: opts.sample,
    extractUsPerMsg: (extractMs * 1000) / opts.sample,
    serializeUsPerMsg: (serializeMs * 1000) / opts.sample,
    insert: {
      batchRows: opts.batchRows,
      usPerMsg: (insertMs * 1000) / rows.length,
      rowsPerSec: (rows.length / insertMs) * 1000,
      msPerBatch: insertMs / Math.max(1, batches),
    },
  };
}
