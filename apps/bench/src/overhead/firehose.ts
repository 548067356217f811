// What the firehose costs RabbitMQ: the same load with tracing off, on with a Rollcall tap consuming the trace
// (tracing only costs when something is bound to amq.rabbitmq.trace) in each trace mode — every publish and
// delivery (`all`), publishes only with deliveries counted from the management API (`publish`) — and off again.
// The vhost's tracing is put back as it was whatever happens, since other taps may depend on it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { int } from '@rollcall/bench-runs/format';
import type { Logger } from '@rollcall/core/log';
import { hostAfter, hostBefore } from '../load/host.ts';
import { redactUrl, type LoadOptions } from '../load/options.ts';
import type { RabbitAdmin } from '../load/rabbit-management.ts';
import { checkAmqpUrl } from '../load/rabbitmq.ts';
import { firehosePhase } from './firehose-phase.ts';
import { ratiosBetween, ratiosOf, type OverheadPhase, type OverheadResult, type TraceMode } from './phases.ts';

export interface FirehoseOptions extends LoadOptions {
  /** After each traced phase, how long the tap and the delivery counter may take to settle. */
  settleTimeoutMs: number;
}

export interface FirehoseDeps {
  admin: RabbitAdmin;
  log: Logger;
  runId: string;
  command: string;
  say: (line: string) => void;
}

function describe(p: OverheadPhase): string {
  const figures = [
    `published ${int(p.msgPerSec)} msg/s, received ${int(p.endToEndMsgPerSec)} msg/s, p99 ${p.p99.toFixed(2)} ms`,
  ];
  if (p.hostCpuMicrosPerMessage !== undefined) figures.push(`host CPU ${p.hostCpuMicrosPerMessage.toFixed(1)} µs/msg`);
  if (p.tap)
    figures.push(
      `the tap stored ${int(p.tap.publishes)} of ${int(p.sent ?? 0)} publishes and ${int(p.tap.deliveries)} ${p.tap.trace === 'publish' ? 'counted' : 'traced'} deliveries of ${int(p.tap.delivered)}`,
    );
  return `${p.label}: ${figures.join(', ')}`;
}

export async function measureFirehoseOverhead(
  o: FirehoseOptions,
  { admin, log, runId, command, say }: FirehoseDeps,
): Promise<OverheadResult> {
  await checkAmqpUrl(o.url);
  const host = hostBefore();
  const brokerVersion = o.brokerVersion ?? (await admin.overview()).rabbitmqVersion;
  const wasTracing = await admin.tracing();
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-bench-firehose-'));
  const phases: OverheadPhase[] = [];
  let notRestored: Error | undefined;
  const restore = () => admin.setTracing(wasTracing);
  // A Ctrl-C must not leave the vhost's firehose switched the wrong way.
  const onSignal = () => void restore().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const phase = async (label: string, trace?: TraceMode) => {
    await admin.setTracing(trace !== undefined);
    say(`${label}: ${o.durationMs / 1000}s at ${o.rate > 0 ? `${o.rate} msg/s` : 'max rate'}…`);
    const id = `${runId}-${phases.length}`;
    const p = await firehosePhase(
      { label, trace, load: o, id, dir, settleTimeoutMs: o.settleTimeoutMs },
      { admin, log },
    );
    say(describe(p));
    phases.push(p);
  };
  try {
    await phase('firehose off');
    await phase('firehose on, trace: all', 'all');
    await phase('firehose on, trace: publish', 'publish');
    await phase('firehose off again');
    const off = phases.filter((p) => !p.rollcall);
    for (const p of phases) if (p.rollcall) p.ratios = ratiosBetween([p], off);
  } finally {
    notRestored = await restore().then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    if (notRestored)
      log.error(`could not turn tracing back ${wasTracing ? 'on' : 'off'}`, { vhost: admin.vhost, err: notRestored });
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    rmSync(dir, { recursive: true, force: true });
  }
  if (notRestored)
    throw new Error(
      `could not turn tracing back ${wasTracing ? 'on' : 'off'} in vhost ${admin.vhost} (${notRestored.message}): run rabbitmqctl ${wasTracing ? 'trace_on' : 'trace_off'} -p ${admin.vhost}`,
    );
  return {
    kind: 'firehose',
    date: new Date().toISOString(),
    what: 'RabbitMQ publish and end-to-end throughput with the firehose off, and on with a Rollcall tap (its own process and embedded store) consuming amq.rabbitmq.trace in each trace mode',
    command,
    params: {
      target: redactUrl(o.url),
      vhost: admin.vhost,
      producers: o.producers,
      consumers: o.consumers,
      size: o.size,
      rate: o.rate,
      durationMs: o.durationMs,
      confirms: o.confirms,
      persistent: o.persistent,
      queues: o.queues,
    },
    brokerVersion,
    host: hostAfter(host),
    phases,
    ratios: ratiosOf(phases),
    notes: [
      'The tap, the load generator and the broker share this host, so a traced phase also pays for the tap’s CPU. Host CPU counts every process on the host, from the load’s start until the tap had stored what the phase traced.',
      '`trace: all` binds the tap’s durable queue to `#`: a trace message for each publish and each delivery. `trace: publish` binds it to `publish.#`, and the tap’s process counts deliveries per queue from the management API’s deliver_get, as the lag role does.',
      'Each traced phase has a tap of its own (process, store and tap queue, deleted after it). Before the load’s queues are deleted it waits (at most --timeout) for the tap to have stored as many rows as the phase made trace messages, nothing left queued, and with `trace: publish` for the counter to read the same total twice 6 s apart (the broker refreshes deliver_get every 5 s). The tap backlog at end is the phase’s trace messages not stored when the load’s consumers stopped; the broker was still routing many of them into the tap queue.',
      'Delivered is what the load’s consumers were handed, first receipts and duplicates: what the deliveries stored must equal.',
    ],
  };
}
