// Watches one vhost for loss the RabbitMQ tap cannot see by itself: tracing (the firehose) turned off, by
// `rabbitmqctl trace_off` or a broker restart, and trace messages RabbitMQ dropped because the tap queue and its
// overflow queue were both full. The tap is reported down while either lasts, tracing is turned back on when the
// management user may (administrator tag), and the number lost is reported through tap health and a log line.
//
// How loss is counted. Every publish and every delivery in a traced vhost makes one trace message, so the broker's
// own counters say how many trace messages there should have been:
//   expected = vhost publish + vhost deliver_get − deliver_get of queues bound to amq.rabbitmq.trace
// (deliveries of trace messages are not traced; deliveries from the overflow queue are, since a dead-lettered
// message belongs to the overflow exchange). Each of them is either still in a tap queue or acked by the tap
// once stored:
//   accounted = messages + ack of the tap queue and of its overflow queue
// so `expected − accounted` grows by exactly what was never traced or was dropped. Both are cumulative, so the
// loss between two readings is the growth of that difference, whatever the tap did in between.
//
// Accuracy. Channels and queues report to the management database every collect_statistics_interval (5 s by
// default) and when they close, so under traffic a reading lags the truth by up to that interval and the
// difference moves by up to ±rate × 5 s. A reading is therefore trusted only when quiet: no counter moved for
// longer than the interval. The loss is measured between the last quiet reading before the tracing gap or
// overflow and the first quiet one after it, and is then exact; when traffic never pauses it is reported after
// MAX_SETTLE_MS as approximate, and the log line says so.
//
// What it cannot tell apart: a publish in an AMQP transaction is traced when the broker receives it, before
// tx.commit or tx.rollback, but counted in `publish` only at commit; a rolled-back publish therefore makes the
// difference shrink (it hides as much loss as was rolled back), and the trace of it is stored as a publish. A
// message read through the management API's /get to get past an undeliverable trace (queue-reader.ts) is not an
// ack and counts as one lost. Counters restart with the broker (and with a tap queue deleted and declared
// again): the watch then starts over from the new counters and says so.
import type { Logger } from '@rollcall/core/log';
import type { TapHealth } from '@rollcall/core/tap-health';
import { BOOT_SLACK_MS, lowerReading, type Management } from './management.ts';
import { overflowName, pruneTapCounters, tapCountersName } from './tap-queues.ts';

export interface TracingWatchOptions {
  vhost: string;
  cluster: string;
  tapQueue: string;
  maxLength: number;
  management: Management;
  log: Logger;
  health?: TapHealth;
  now?: () => number;
  /** The tap queue receives publishes only (rabbitmq.trace: publish): deliveries are not expected in it. */
  publishesOnly?: boolean;
  /** How often to poll the management API; 0 for no timer (the caller calls check()). */
  intervalMs?: number;
  /** How long every counter must stay still before a reading is trusted (above collect_statistics_interval). */
  quietMs?: number;
}

export interface TracingWatch {
  /** Reads the counters once (and compares them with the last run's, saved when it stopped) and starts polling. */
  start(): Promise<void>;
  /** One poll: tracing flag, counters, loss. */
  check(): Promise<void>;
  /** Stops polling and saves the counters, so loss while Rollcall is stopped is counted at its next start. */
  stop(): Promise<void>;
  /** Trace messages reported lost since start. */
  lost(): number;
}

/** One reading of the counters that make up `expected − accounted` (see the module comment). */
export interface Reading {
  at: number;
  publish: number;
  deliverGet: number;
  /** deliver_get of every queue bound to the firehose exchange: their deliveries are not traced. */
  traceQueues: Record<string, number>;
  tapMessages: number;
  tapAck: number;
  overflowMessages: number;
  overflowAck: number;
}

interface Saved {
  vhost: string;
  tapQueue: string;
  reading: Reading;
  exact: boolean;
  bootedAt: Record<string, number>;
}

const POLL_MS = 5_000;
const QUIET_MS = 6_000;
/** After a gap, how long to wait for a quiet reading before reporting an approximate number. */
const MAX_SETTLE_MS = 60_000;
const SAVE_EVERY_MS = 30_000;

/** Trace messages missing between two readings; undefined when a counter went back (a restart reset it). With
 * `publishesOnly` (rabbitmq.trace: publish) the tap queue is bound to publishes alone, so only they are expected. */
export function missingBetween(from: Reading, to: Reading, publishesOnly = false): number | undefined {
  if (
    to.publish < from.publish ||
    to.deliverGet < from.deliverGet ||
    to.tapAck < from.tapAck ||
    to.overflowAck < from.overflowAck
  )
    return undefined;
  let untracedDeliveries = 0;
  for (const [queue, n] of Object.entries(to.traceQueues)) {
    const before = from.traceQueues[queue] ?? 0;
    if (n < before) return undefined;
    untracedDeliveries += n - before;
  }
  const deliveries = publishesOnly ? 0 : to.deliverGet - from.deliverGet - untracedDeliveries;
  const expected = to.publish - from.publish + deliveries;
  const accounted =
    to.tapMessages +
    to.tapAck +
    to.overflowMessages +
    to.overflowAck -
    (from.tapMessages + from.tapAck + from.overflowMessages + from.overflowAck);
  return expected - accounted;
}

const sameCounters = (a: Reading, b: Reading) =>
  a.publish === b.publish &&
  a.deliverGet === b.deliverGet &&
  a.tapMessages === b.tapMessages &&
  a.tapAck === b.tapAck &&
  a.overflowMessages === b.overflowMessages &&
  a.overflowAck === b.overflowAck &&
  JSON.stringify(a.traceQueues) === JSON.stringify(b.traceQueues);

export function createTracingWatch(o: TracingWatchOptions): TracingWatch {
  const { vhost, management, health, now = Date.now, intervalMs = POLL_MS, quietMs = QUIET_MS } = o;
  const tap = `rabbitmq/${vhost}`;
  const log = o.log.child({ tap, vhost });
  const overflowQueue = overflowName(o.tapQueue);
  const savedName = tapCountersName(o.cluster, vhost, o.tapQueue);

  // The reading loss is measured from, and whether it was quiet (exact) when taken.
  let base: Reading | undefined;
  let baseExact = false;
  // Why loss may have happened since `base`; empty when nothing suggests it.
  const causes = new Set<string>();
  // When the last cause ended (tracing on again, queues no longer full); 0 while one lasts.
  let causesEndedAt = 0;
  let last: Reading | undefined;
  let stillSince = 0;
  let tracingOff = false;
  let enableFailureLogged = false;
  let full = false;
  let lostTotal = 0;
  let bootedAt: Record<string, number> = {};
  let savedAt = 0;
  let saveRefused = false;
  let readFailed = false;
  // Since when the counters read lower than the base, while they do.
  let wentBackSince: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const read = async (): Promise<Reading | undefined> => {
    const [vhostCounters, traceQueues, tapQueue, overflow] = await Promise.all([
      management.vhostCounters(vhost),
      management.traceQueues(vhost),
      management.queueCounters(vhost, o.tapQueue),
      management.queueCounters(vhost, overflowQueue),
    ]);
    if (!tapQueue || !overflow) return undefined; // not declared yet, or deleted
    const delivered = await Promise.all(
      traceQueues.map(async (q) => [q, (await management.queueCounters(vhost, q))?.deliverGet ?? 0] as const),
    );
    const reading: Reading = {
      at: now(),
      publish: vhostCounters.publish,
      deliverGet: vhostCounters.deliverGet,
      traceQueues: Object.fromEntries(delivered.sort(([a], [b]) => (a < b ? -1 : 1))),
      tapMessages: tapQueue.messages,
      tapAck: tapQueue.ack,
      overflowMessages: overflow.messages,
      overflowAck: overflow.ack,
    };
    await noteTracing(vhostCounters.tracing);
    return reading;
  };

  const noteTracing = async (on: boolean) => {
    if (on) {
      if (tracingOff) log.warn(`tracing is on again for vhost "${vhost}"`);
      tracingOff = false;
      enableFailureLogged = false;
      return;
    }
    const reason = `firehose off: tracing is off for vhost "${vhost}"`;
    if (!tracingOff) {
      causes.add('tracing was off');
      causesEndedAt = 0;
      health?.down(tap, reason);
    }
    tracingOff = true;
    try {
      await management.setTracing(vhost, true);
      log.warn(
        `tracing (the firehose) was off for vhost "${vhost}", so Rollcall saw none of its messages; turned it back on`,
      );
      tracingOff = false;
      enableFailureLogged = false;
    } catch (err) {
      if (enableFailureLogged) return;
      enableFailureLogged = true;
      log.error(
        `tracing (the firehose) is off for vhost "${vhost}", so Rollcall sees none of its messages, and could not turn it on (${(err as Error).message}). Turn it on with: rabbitmqctl trace_on -p ${vhost}`,
      );
    }
  };

  const report = (missing: number, exact: boolean, why: string) => {
    if (missing <= 0) return;
    lostTotal += missing;
    const reason = `${exact ? '' : 'about '}${missing} trace messages (publishes and deliveries) were never stored: ${why}`;
    health?.lost(tap, missing, reason);
    log.error(
      `RabbitMQ vhost "${vhost}": ${reason}${exact ? '' : ' (approximate: the management counters lag by up to collect_statistics_interval under traffic)'}`,
      { lost: missing, exact },
    );
  };

  const rebase = (reading: Reading, exact: boolean) => {
    if (exact && !baseExact) log.debug('the RabbitMQ counters are quiet: loss is measured exactly from here');
    base = reading;
    baseExact = exact;
    causes.clear();
    causesEndedAt = 0;
  };

  const save = async () => {
    if (!base || saveRefused) return;
    savedAt = now();
    try {
      await management.setGlobalParameter(savedName, {
        vhost,
        tapQueue: o.tapQueue,
        reading: base,
        exact: baseExact,
        bootedAt,
      } satisfies Saved);
    } catch (err) {
      saveRefused = true;
      log.warn('could not save the tap counters in RabbitMQ; loss while Rollcall is stopped will not be counted', {
        err: (err as Error).message,
      });
    }
  };

  const step = async () => {
    let reading: Reading | undefined;
    try {
      reading = await read();
      readFailed = false;
    } catch (err) {
      if (!readFailed)
        log.warn('could not read the RabbitMQ counters that tell lost trace messages', { err: (err as Error).message });
      readFailed = true;
      return;
    }
    if (!reading) return;
    const nowFull = reading.overflowMessages >= o.maxLength;
    if (nowFull && !full) {
      causes.add(
        `tap queues ${o.tapQueue} and ${overflowQueue} were full (max_length ${o.maxLength}), so RabbitMQ dropped trace messages`,
      );
      causesEndedAt = 0;
      health?.down(tap, `tap queues full: RabbitMQ is dropping trace messages for vhost "${vhost}"`);
    }
    full = nowFull;
    if (!tracingOff && !full) {
      health?.up(tap);
      if (causes.size > 0 && causesEndedAt === 0) causesEndedAt = reading.at;
    }
    if (!last || !sameCounters(last, reading)) stillSince = reading.at;
    last = reading;
    const quiet = reading.at - stillSince >= quietMs;
    if (!base) return rebase(reading, quiet);
    const missing = missingBetween(base, reading, o.publishesOnly);
    if (missing === undefined) {
      const lower = lowerReading(wentBackSince, reading.at);
      wentBackSince = lower.since;
      if (!lower.believed) {
        log.debug('RabbitMQ counters read lower than before; waiting to see whether they started over', {
          since_ms: reading.at - lower.since,
        });
        return;
      }
      wentBackSince = undefined;
      log.info('RabbitMQ counters went back (a broker or tap queue restart); counting loss from the new ones');
      return rebase(reading, quiet);
    }
    wentBackSince = undefined;
    if (tracingOff || full) return;
    if (quiet) {
      if (causes.size > 0 || baseExact)
        report(
          missing,
          baseExact,
          causes.size > 0 ? [...causes].join('; ') : 'tracing was off or the tap queues overflowed between two checks',
        );
      return rebase(reading, true);
    }
    if (causes.size > 0 && reading.at - causesEndedAt >= MAX_SETTLE_MS) {
      report(missing, false, [...causes].join('; '));
      rebase(reading, false);
    }
  };

  const check = () => {
    running = running.then(async () => {
      await step();
      if (now() - savedAt >= SAVE_EVERY_MS) await save();
    });
    return running;
  };

  const schedule = () => {
    if (stopped || intervalMs <= 0) return;
    timer = setTimeout(() => void check().finally(schedule), intervalMs);
  };

  return {
    async start() {
      try {
        // Reading nodes needs the monitoring tag; without it a restart still shows as counters that went back.
        bootedAt = await management.nodesBootedAt().catch(() => ({}));
        const saved = (await management.globalParameter(savedName)) as Saved | undefined;
        const restarted =
          saved &&
          Object.entries(bootedAt).some(
            ([node, at]) => node in saved.bootedAt && Math.abs(at - (saved.bootedAt[node] ?? 0)) > BOOT_SLACK_MS,
          );
        if (saved && !restarted) {
          base = saved.reading;
          baseExact = saved.exact;
          causes.add(`while Rollcall was not running (since ${new Date(saved.reading.at).toISOString()})`);
        } else if (saved) {
          log.warn(
            'RabbitMQ restarted while Rollcall was not running: its counters started over, so what it lost then cannot be counted',
          );
        }
      } catch (err) {
        log.warn('could not read the tap counters saved by the last run', { err: (err as Error).message });
      }
      await pruneTapCounters(management).catch(() => {}); // needs the administrator tag, like saving
      savedAt = now();
      await check();
      schedule();
    },
    check,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await save();
    },
    lost: () => lostTotal,
  };
}
