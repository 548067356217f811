// After a traced phase's load and before its queues are deleted: the tap stores the trace messages still to come,
// and with rabbitmq.trace: publish the delivery counter reads the load's queues until their deliver_get is quiet.
// Only then can the stored counts be held to what the load published and received. Both waits share one timeout.
// The broker is still routing trace messages into the tap queue well after the load's consumers have everything
// (its processes work through their mailboxes), so an empty tap queue alone does not mean the tap is done.
import { sleep as realSleep } from '../load/target.ts';
import type { TapChild } from './tap-child.ts';

export interface SettleDeps {
  tap: Pick<TapChild, 'progress'>;
  /** Ready messages in the tap queue now (through AMQP: the management API's depth trails by up to 5 s). */
  tapQueueDepth: () => Promise<number>;
  /** Trace messages the phase made (its publishes, and with trace: all its deliveries): the tap has not caught up
   * before it stored that many rows. */
  expectedRows: number;
  /** The load's queues: what the counter's total is read for. */
  queuePrefix: string;
  countsDeliveries: boolean;
  timeoutMs: number;
  /** Called once the tap has stored everything queued, or at the timeout: where the phase's CPU is read. */
  onDrained: () => void;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface Settled {
  /** Rows the tap had stored when the load's consumers stopped. */
  rowsAtEnd: number;
  /** How long the tap took to store the rest; null when it had not within the timeout. */
  drainMs: number | null;
  /** The tap process's CPU (µs since it started) once it had drained. */
  tapCpuMicros: number;
  /** Counting deliveries: whether the counter read the same total twice a statistics interval apart. */
  quiet?: boolean;
}

const DRAIN_POLL_MS = 250;
/** The management database refreshes deliver_get every collect_statistics_interval (5 s by default): two of the
 * counter's totals further apart than that which agree have nothing still to come. */
const QUIET_GAP_MS = 6_000;

export async function settle({
  tap,
  tapQueueDepth,
  expectedRows,
  queuePrefix,
  countsDeliveries,
  timeoutMs,
  onDrained,
  clock = Date.now,
  sleep = realSleep,
}: SettleDeps): Promise<Settled> {
  const started = clock();
  const deadline = started + timeoutMs;
  let progress = await tap.progress();
  const rowsAtEnd = progress.rows;
  let drainMs: number | null = null;
  // As many rows as the phase made and nothing queued or held: rows beyond those (duplicates) are stored as well,
  // for the exactness check to see.
  for (; clock() < deadline; await sleep(DRAIN_POLL_MS)) {
    const queued = await tapQueueDepth();
    progress = await tap.progress();
    if (progress.rows >= expectedRows && queued === 0 && progress.backlog === 0) {
      drainMs = clock() - started;
      break;
    }
  }
  onDrained();
  const settled: Settled = { rowsAtEnd, drainMs, tapCpuMicros: progress.cpuMicros };
  if (!countsDeliveries) return settled;
  settled.quiet = false;
  for (let previous: number | undefined; ; await sleep(QUIET_GAP_MS)) {
    const counted = (await tap.progress({ queuePrefix, countDeliveries: true })).queues?.deliveriesCounted;
    if (counted !== undefined && counted === previous) {
      settled.quiet = true;
      break;
    }
    previous = counted;
    if (clock() + QUIET_GAP_MS > deadline) break;
  }
  return settled;
}
