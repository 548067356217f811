// A RabbitMQ queue's status from its last samples: Burrow's rules carried over to a queue, where the backlog is
// the ready messages and "committing" is consumers taking deliveries or acking. Pure: rounds come in oldest first.
import type { QueueStats } from '../rabbitmq/management.ts';
import { idleLongEnough, num, readWindow, rising, trailing, trend, type Verdict } from './status.ts';

/** One sampling round of a queue: its management API stats (rates in messages per second), when, and its lag estimate. */
export interface QueueRound extends Omit<QueueStats, 'vhost' | 'name'> {
  at: number;
  /** why the queue could not be read this round */
  error?: string;
  lagSeconds: number | null;
}

const consumersOf = (r: QueueRound) => `${r.consumers} consumer${r.consumers === 1 ? '' : 's'}`;

const consuming = (r: QueueRound) => r.consumers > 0 && (r.deliverRate > 0 || r.ackRate > 0);

export function evaluateQueue(rounds: QueueRound[], window: number): Verdict {
  const judged = readWindow(rounds, window, 'queue');
  if ('verdict' in judged) return judged.verdict;
  const { last, read } = judged;
  const depths = read.map((r) => r.ready);
  // Burrow's first rule: a queue that was empty at any point in the window is keeping up.
  if (depths.some((d) => d === 0))
    return {
      status: 'OK',
      reason: last.ready === 0 ? `empty; ${consumersOf(last)}` : `depth ${num(last.ready)}; empty within the window`,
    };

  const idle = trailing(read, (r) => !consuming(r));
  if (idleLongEnough(idle, read.length)) {
    const run = read.slice(-idle);
    const runDepths = run.map((r) => r.ready);
    if (run.every((r) => r.consumers === 0)) {
      return { status: 'STOP', reason: `${trend('depth', runDepths)}; no consumers for ${idle} samples` };
    }
    if (rising(runDepths)) {
      return {
        status: 'STOP',
        reason: `${trend('depth', runDepths)}; nothing delivered or acked for ${idle} samples (${consumersOf(last)})`,
      };
    }
    if (read.length >= window && idle === read.length) {
      return {
        status: 'STALL',
        reason: `depth ${num(last.ready)}; ${consumersOf(last)} attached but nothing delivered or acked for ${idle} samples`,
      };
    }
  }
  if (read.length >= window && rising(depths) && read.some(consuming)) {
    return {
      status: 'WARN',
      reason: `${trend('depth', depths)}; consumers take ${rate(last.deliverRate)} msg/s while ${rate(last.publishRate)} msg/s arrive`,
    };
  }
  return { status: 'OK', reason: `depth ${num(last.ready)}; ${consumersOf(last)}` };
}

const rate = (perSecond: number) => (perSecond >= 10 ? num(perSecond) : perSecond.toFixed(1));
