// The real Kafka tap reading the benchmark topic into a fresh embedded store. The clock stops at the insert
// that brings the stored rows to N (counted through onInserted); the store must then hold exactly N rows.
import { performance } from 'node:perf_hooks';
import { parseConfig } from '@rollcall/core/config';
import type { Config } from '@rollcall/core/config/schema';
import { createLogger } from '@rollcall/core/log';
import type { Store } from '@rollcall/core/store';
import type { AuditLevel } from '@rollcall/core/audit';
import { countEvents } from '@rollcall/core/store/queries';
import { createKafkaTap } from '@rollcall/collector/kafka/tap';
import { startMeter, type PhaseResult } from './meter.ts';

export interface InsertStats {
  inserts: number;
  rowsPerInsert: { mean: number; min: number; max: number };
  /** Per writer flush (one events insert), from the writer's onInserted. */
  insertMs: { mean: number; p50: number; p95: number; max: number; total: number };
  /** Share of the phase's wall time with at least one insert running (inserts of different partitions overlap). */
  insertBusyShare: number;
  /** Rows stored per second of that time. */
  insertRowsPerSec: number;
  /** Every flush in order (ending `end` ms after the phase began), to see whether inserts slow down as the table grows. */
  flushes: Flush[];
}

export interface CollectorResult extends PhaseResult {
  /** countEvents on the topic after the run; must equal the message count. */
  storedCount: number;
  inserts: InsertStats;
}

interface Flush {
  rows: number;
  ms: number;
  end: number;
}

/** Milliseconds covered by at least one flush. */
function coveredMs(flushes: Flush[]): number {
  let covered = 0;
  let reach = Number.NEGATIVE_INFINITY;
  for (const { start, end } of flushes
    .map((f) => ({ start: f.end - f.ms, end: f.end }))
    .sort((a, b) => a.start - b.start)) {
    if (end <= reach) continue;
    covered += end - Math.max(start, reach);
    reach = end;
  }
  return covered;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

function insertStats(batches: Flush[], phaseMs: number): InsertStats {
  const rows = batches.map((b) => b.rows);
  const ms = batches.map((b) => b.ms).sort((a, b) => a - b);
  const totalRows = rows.reduce((a, b) => a + b, 0);
  const totalMs = ms.reduce((a, b) => a + b, 0);
  const n = Math.max(1, batches.length);
  return {
    inserts: batches.length,
    rowsPerInsert: {
      mean: totalRows / n,
      min: rows.length ? Math.min(...rows) : 0,
      max: rows.length ? Math.max(...rows) : 0,
    },
    insertMs: {
      mean: totalMs / n,
      p50: quantile(ms, 0.5),
      p95: quantile(ms, 0.95),
      max: ms.at(-1) ?? 0,
      total: totalMs,
    },
    insertBusyShare: coveredMs(batches) / phaseMs,
    insertRowsPerSec: totalMs > 0 ? (totalRows / coveredMs(batches)) * 1000 : 0,
    flushes: batches,
  };
}

export function collectorConfig(opts: {
  brokers: string[];
  topic: string;
  dataDir: string;
  groupId: string;
  level?: AuditLevel;
}): Config {
  const escaped = opts.topic.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return parseConfig(
    JSON.stringify({
      log_level: 'warn',
      clickhouse: { data_dir: opts.dataDir, database: 'rollcall_bench' },
      kafka: {
        brokers: opts.brokers,
        group_id: opts.groupId,
        client_id: 'rollcall-bench',
        include: [`^${escaped}$`],
        start: 'earliest',
      },
      rabbitmq: { enabled: false },
      audit: { default: opts.level ?? 'rows' },
    }),
    'bench/tap (generated)',
  );
}

export async function runCollector(
  store: Store,
  config: Config,
  run: { topic: string; messages: number; timeoutMs: number },
): Promise<CollectorResult> {
  const { topic, messages, timeoutMs } = run;
  const batches: Flush[] = [];
  let inserted = 0;
  let done: () => void = () => {};
  const allInserted = new Promise<void>((resolve) => (done = resolve));
  const meter = startMeter();
  const began = performance.now();
  const tap = createKafkaTap({
    config,
    store,
    log: createLogger('warn'),
    // At `counts` a partition's first insert may come a flush interval after its first fetch (see gathering).
    onFetched: () => meter.firstRecord(),
    onInserted: (rows, ms) => {
      batches.push({ rows, ms, end: performance.now() - began });
      inserted += rows;
      if (inserted >= messages) done();
    },
  });
  let timer: NodeJS.Timeout | undefined;
  let result: PhaseResult;
  try {
    await tap.start();
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs)));
    const late = await Promise.race([allInserted.then(() => false), timedOut]);
    result = meter.finish(inserted, !late && inserted === messages);
  } finally {
    clearTimeout(timer);
    await tap.stop();
  }
  const storedCount = (await countEvents(store, { broker: 'kafka', stream: topic })).count;
  return {
    ...result,
    complete: result.complete && storedCount === messages,
    storedCount,
    inserts: insertStats(batches, result.ms),
  };
}
