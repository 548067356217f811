// One load run against a target: consumers first, then producers for the duration (paced or flat out), then a
// drain until everything sent came back or the drain time ran out. Every message carries its producer,
// sequence and send time, so latency, loss and duplicates come from the messages themselves.
import type { Logger } from '@rollcall/core/log';
import type { RunResult, TimelinePoint } from '@rollcall/contract/bench';
import { Histogram } from './histogram.ts';
import { Ledger } from './ledger.ts';
import { decode, encode, template } from './message.ts';
import { effectiveTuning, type LoadOptions } from './options.ts';
import { createPacer } from './pacer.ts';
import { runClock, sleep, type BrokerInfo, type LoadProducer, type LoadTarget } from './target.ts';
import { Timeline } from './timeline.ts';

export interface LoadDeps {
  target: LoadTarget;
  log: Logger;
  clock?: () => number;
  /** Once a second while producing and draining: the previous second's figures. */
  onSecond?: (s: { second: number; produced: number; consumed: number; sent: number; received: number }) => void;
}

export interface LoadOutcome {
  /** Run clock (ms since the epoch) of the first send. */
  startedAt: number;
  broker: BrokerInfo;
  result: RunResult;
  timeline: TimelinePoint[];
}

const MAX_ERRORS_KEPT = 10;
/** After a failed send a producer waits this long, so a broker outage does not become a busy loop. */
const FAILURE_PAUSE_MS = 100;
/** Once the counts match, wait a little longer for duplicates still on their way. */
const SETTLE_MS = 300;

export async function runLoad(
  o: LoadOptions,
  { target, log, clock = runClock, onSecond }: LoadDeps,
): Promise<LoadOutcome> {
  const tuning = effectiveTuning(o);
  const ledger = new Ledger(o.producers);
  const histogram = new Histogram();
  const errors: string[] = [];
  const noteError = (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    if (errors.length < MAX_ERRORS_KEPT && !errors.includes(message)) errors.push(message);
  };
  let timeline: Timeline | undefined;
  let lastReceiptAt = 0;
  let lastAckAt = 0;

  const onMessage = (body: Buffer, at: number) => {
    const m = decode(body);
    if (!m || !timeline) return ledger.stray();
    if (!ledger.receive(m.producer, m.seq)) return;
    const micros = (at - m.sentAt) * 1000;
    histogram.record(micros);
    timeline.received(at, micros);
    lastReceiptAt = at;
  };

  let progress: NodeJS.Timeout | undefined;
  try {
    await target.prepare(onMessage);
    const broker = await target.info();
    const producers: LoadProducer[] = [];
    for (let i = 0; i < o.producers; i++) producers.push(await target.producer(i));

    const startedAt = clock();
    const line = new Timeline(startedAt);
    timeline = line;
    const endAt = startedAt + o.durationMs;
    if (onSecond) {
      progress = setInterval(() => {
        const now = clock();
        onSecond({
          second: Math.floor((now - startedAt) / 1000),
          ...line.last(now),
          sent: ledger.sent,
          received: ledger.received,
        });
      }, 1000);
    }

    const produce = async (producer: LoadProducer, index: number) => {
      const body = template(o.size);
      const perProducer = o.rate / o.producers;
      const pacer = createPacer(perProducer, startedAt, tuning.batch);
      let nextSeq = 0;
      const worker = async () => {
        for (let now = clock(); now < endAt; now = clock()) {
          const n = pacer.take(now);
          if (n === 0) {
            await sleep(Math.max(1, Math.min(pacer.waitMs(now), endAt - now)));
            continue;
          }
          const first = nextSeq;
          nextSeq += n;
          const bodies: Buffer[] = new Array<Buffer>(n);
          const sentAt = clock();
          // At a target rate each message is stamped with the time it was due, not when the producer got to it,
          // so a stall delays the stamps of everything behind it too (no coordinated omission).
          for (let k = 0; k < n; k++)
            bodies[k] = encode(
              body,
              index,
              first + k,
              perProducer > 0 ? Math.min(sentAt, startedAt + ((first + k) * 1000) / perProducer) : sentAt,
            );
          try {
            await producer.send(first, bodies);
            const at = clock();
            ledger.accepted(index, first, n);
            line.accepted(at, n);
            lastAckAt = Math.max(lastAckAt, at);
          } catch (err) {
            ledger.failed(n);
            noteError(err);
            log.warn('send failed', { producer: index, messages: n, err });
            await sleep(FAILURE_PAUSE_MS);
          }
        }
      };
      await Promise.all(Array.from({ length: tuning.inFlight }, worker));
    };
    await Promise.all(producers.map(produce));

    // Drain while messages keep arriving: a backlog built at full speed can take longer than the run to
    // consume, and is not lost for that. Only a silence of drainMs ends the wait with messages missing.
    let seen = ledger.received;
    let lastProgressAt = clock();
    while (ledger.received < ledger.sent && clock() - lastProgressAt < o.drainMs) {
      await sleep(20);
      if (ledger.received > seen) {
        seen = ledger.received;
        lastProgressAt = clock();
      }
    }
    await sleep(Math.min(SETTLE_MS, o.drainMs));
    clearInterval(progress);
    await target.stopConsumers();
    const figures = await target.brokerFigures().catch((err: unknown) => {
      noteError(err);
      return {};
    });

    const counts = ledger.counts();
    const produceSeconds = Math.max(0.001, ((lastAckAt || clock()) - startedAt) / 1000);
    const receiveSeconds = Math.max(0.001, ((lastReceiptAt || clock()) - startedAt) / 1000);
    const rate = (n: number, seconds: number) => ({
      msgPerSec: n / seconds,
      mbPerSec: (n * o.size) / seconds / 1e6,
      seconds,
    });
    return {
      startedAt,
      broker,
      result: {
        ...counts,
        produce: rate(counts.sent, produceSeconds),
        endToEnd: rate(counts.received, receiveSeconds),
        latency: histogram.summary(),
        drained: counts.lost === 0,
        broker: figures,
        errors,
      },
      timeline: line.points(),
    };
  } finally {
    clearInterval(progress);
    await target.teardown();
  }
}
