// With `rabbitmq.trace: publish` the tap queue receives publishes only, and deliveries are counted here: every
// round reads each queue's cumulative deliver_get from the management API and stores its growth since the last
// reading in event_counts, as `deliver` counts of that queue (stream: the exchange bound to it). That keeps exact
// delivery counts per queue and stream for volume, ratio and silence rules without a trace message per delivery;
// what it loses is everything per message: event type, source, ids, the consumer's connection.
//
// Exactly once. Each stored row carries the reading it counts up to (offset), the boot time of the queue's node
// (last_broker_ts) and its vhost (last_key_hash), so the next round, in this process or after a restart or crash,
// counts from the last stored reading. A round's insert token names the readings it counts between, so a retried
// insert adds nothing; after a failed insert the state is read back from the store, since the insert may have
// landed. A queue found on the first look at its vhost stores a zero count (what it delivered before Rollcall
// watched is not counted); one that appears later is new and counted from zero.
// Only one process may count (as with the lag sampler, whose role runs this), or two would each count the growth.
//
// What it cannot see. The broker reports counters every collect_statistics_interval (5 s by default), so a
// delivery is counted in the minute it was read in, up to lag.interval + 5 s after it happened. A node restart or
// a queue deleted and declared again resets its counter: the new one is counted from zero, and deliveries after
// the last reading before the reset are lost (logged); a re-declared queue whose new counter has already passed
// the old reading is not told apart from the old one.
import type { Config } from '@rollcall/core/config/schema';
import { hash53 } from '@rollcall/core/hash';
import type { Logger } from '@rollcall/core/log';
import { queryRows } from '@rollcall/core/store/queries';
import type { CountRow, Store } from '@rollcall/core/store';
import { BOOT_SLACK_MS, lowerReading, type Management } from './management.ts';

export interface DeliveryCounterDeps {
  config: Config;
  store: Store;
  log: Logger;
  management: Management;
  now?: () => number;
}

export interface DeliveryCounter {
  /** One round: read every queue's counter, store the growth. Never throws (a failed round is retried next). */
  count(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** ms since epoch up to which deliveries are counted: the last stored round less the statistics delay. */
  watermark(): number | undefined;
}

/** The last reading of one queue's deliver_get. */
interface Reading {
  value: number;
  /** When its node booted: a counter of a later boot started again from zero. */
  bootedAt: number;
}

/** How long after a delivery the management database reports it (collect_statistics_interval's default). */
const STATISTICS_DELAY_MS = 5_000;
/** A reading older than this is not resumed from: the queue is counted from its current value. */
const RESUME_WITHIN_DAYS = 30;

const key = (vhost: string, queue: string) => `${hash53(vhost)}\0${queue}`;

/** The stream a queue's deliveries are counted under: its one bound exchange, as the tap names exchanges. */
export function deliveryStream(exchanges: string[]): string {
  const named = [...new Set(exchanges.filter((x) => x !== ''))].sort();
  if (named.length === 0) return 'amq.default';
  // Fed by several exchanges, a queue's deliveries cannot be split between them by a counter.
  return named.join(' + ');
}

/** The deliveries between two readings, and whether the counter was reset in between (a node restart, or the
 * queue deleted and declared again): then what it counted since the reset, the rest being unknown. Without an
 * earlier reading, a queue that appeared while its vhost was watched is new and counted from zero; one found on
 * the first look at its vhost gives the baseline. */
export function deliveriesBetween(
  from: Reading | undefined,
  to: Reading,
  watched: boolean,
): { count: number; reset: boolean } {
  if (!from) return { count: watched ? to.value : 0, reset: false };
  if (Math.abs(to.bootedAt - from.bootedAt) > BOOT_SLACK_MS || to.value < from.value)
    return { count: to.value, reset: true };
  return { count: to.value - from.value, reset: false };
}

/** Whether to wait before believing a reading below the last one on the same boot, and since when it is lower:
 * a queue deleted and declared again stays lower, a dip in the management database does not (COUNTER_DIP_MS). */
export function lowerThanBefore(
  from: Reading | undefined,
  to: Reading,
  lowerSince: number | undefined,
  at: number,
): { wait: boolean; since: number | undefined } {
  const lower = from !== undefined && to.value < from.value && Math.abs(to.bootedAt - from.bootedAt) <= BOOT_SLACK_MS;
  if (!lower) return { wait: false, since: undefined };
  const { believed, since } = lowerReading(lowerSince, at);
  return { wait: !believed, since };
}

export function createDeliveryCounter({
  config,
  store,
  log: parentLog,
  management,
  now = Date.now,
}: DeliveryCounterDeps): DeliveryCounter {
  const cfg = config.rabbitmq;
  const log = parentLog.child({ role: 'rabbitmq-deliveries', cluster: cfg.cluster });
  let readings: Map<string, Reading> | undefined;
  // Vhosts read at least once by this process: a queue without a reading that appears in one of them is new.
  const watched = new Set<string>();
  // Queue → since when its deliver_get reads lower than its last reading on the same boot.
  const lowerSince = new Map<string, number>();
  let countedUpTo: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const load = async (): Promise<Map<string, Reading>> => {
    const rows = await queryRows<{ vhost: string; queue: string; value: string; booted_at: string }>(
      store,
      `SELECT toString(last_key_hash) AS vhost, queue,
              argMax(offset, (last_seen, offset)) AS value,
              argMax(toUnixTimestamp64Milli(last_broker_ts), (last_seen, offset)) AS booted_at
       FROM ${store.db}.event_counts
       WHERE broker = 'rabbitmq' AND cluster = {cluster:String} AND kind = 'deliver' AND partition = -1
         AND minute >= now() - INTERVAL ${RESUME_WITHIN_DAYS} DAY
       GROUP BY last_key_hash, queue`,
      { cluster: cfg.cluster },
    );
    return new Map(
      rows.map((r) => [`${r.vhost}\0${r.queue}`, { value: Number(r.value), bootedAt: Number(r.booted_at) }]),
    );
  };

  const readVhost = async (vhost: string, at: number, last: Map<string, Reading>) => {
    const [queues, bindings, traced, bootedAt] = await Promise.all([
      management.queueDeliveries(vhost),
      management.queueBindings(vhost),
      management.traceQueues(vhost),
      management.nodesBootedAt(),
    ]);
    const plumbing = new Set(traced); // deliveries of trace messages are Rollcall's own, never counted
    const exchanges = new Map<string, string[]>();
    for (const b of bindings) exchanges.set(b.queue, [...(exchanges.get(b.queue) ?? []), b.exchange]);
    const rows: CountRow[] = [];
    const next = new Map<string, Reading>();
    const between: string[] = [];
    for (const q of queues) {
      if (plumbing.has(q.name)) continue;
      const k = key(vhost, q.name);
      const reading = { value: q.deliverGet, bootedAt: bootedAt[q.node] ?? 0 };
      const before = last.get(k);
      const lower = lowerThanBefore(before, reading, lowerSince.get(k), at);
      if (lower.since === undefined) lowerSince.delete(k);
      else lowerSince.set(k, lower.since);
      if (lower.wait && before) {
        next.set(k, before); // kept, not counted: the next round reads it again
        continue;
      }
      const { count, reset } = deliveriesBetween(before, reading, watched.has(vhost));
      if (reset)
        log.warn(
          'a queue delivery counter started again (node restart or queue declared again); deliveries after the last reading before it are not counted',
          {
            vhost,
            queue: q.name,
          },
        );
      next.set(k, reading);
      if (before && count === 0 && !reset) continue; // nothing new: no row
      between.push(`${k}/${before?.value ?? '-'}/${reading.value}/${reading.bootedAt}`);
      rows.push({
        minute: at - (at % 60_000),
        broker: 'rabbitmq',
        cluster: cfg.cluster,
        stream: deliveryStream(exchanges.get(q.name) ?? []),
        kind: 'deliver',
        queue: q.name,
        event_type: '',
        source: '',
        partition: -1,
        offset: reading.value,
        count,
        bytes: 0,
        last_seen: at,
        last_broker_ts: reading.bootedAt,
        last_size: 0,
        last_key_hash: hash53(vhost),
      });
    }
    return { rows, next, between };
  };

  const count = async () => {
    const at = now();
    try {
      const last = readings ?? (await load());
      readings = last;
      const reads = await Promise.all(cfg.vhosts.map((vhost) => readVhost(vhost, at, last)));
      const rows = reads.flatMap((r) => r.rows);
      // The readings counted between name the insert: a retry of the same round is dropped as a duplicate.
      const token = `rabbitmq-deliveries/${cfg.cluster}/${hash53(reads.flatMap((r) => r.between).join(','))}`;
      try {
        await store.insertCounts(rows, token, at);
      } catch (err) {
        // It may have landed: read the state back and start over as at start-up before counting again.
        readings = undefined;
        watched.clear();
        throw err;
      }
      cfg.vhosts.forEach((vhost, i) => {
        // Queues gone from the vhost are forgotten: declared again, they are new queues counted from zero.
        const prefix = key(vhost, '');
        for (const k of last.keys()) if (k.startsWith(prefix) && !reads[i]?.next.has(k)) last.delete(k);
        for (const [k, v] of reads[i]?.next ?? []) last.set(k, v);
        watched.add(vhost);
      });
      countedUpTo = at - STATISTICS_DELAY_MS;
    } catch (err) {
      log.warn('could not count RabbitMQ deliveries this round; the next round counts them', {
        err: (err as Error).message,
      });
    }
  };

  const round = () => (running = running.then(count));

  return {
    count: round,
    async start() {
      await round();
      timer = setInterval(() => void round(), config.lag.interval);
      log.info('counting RabbitMQ deliveries per queue from the management API (rabbitmq.trace: publish)', {
        vhosts: cfg.vhosts,
      });
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
    watermark: () => countedUpTo,
  };
}
