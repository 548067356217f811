// What the firehose costs RabbitMQ: the same load with tracing off, on with a Rollcall tap consuming the trace
// (tracing only costs when something is bound to amq.rabbitmq.trace), and off again. The vhost's tracing is put
// back as it was whatever happens, since other taps may depend on it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from 'rabbitmq-client';
import type { Logger } from '@rollcall/core/log';
import { deleteTapQueues } from '@rollcall/collector/rabbitmq/tap-queues';
import { hostAfter, hostBefore } from '../load/host.ts';
import { redactUrl, type LoadOptions } from '../load/options.ts';
import type { RabbitAdmin } from '../load/rabbit-management.ts';
import { rabbitTarget } from '../load/rabbitmq.ts';
import { runLoad } from '../load/run.ts';
import { phaseOf, ratiosOf, type OverheadPhase, type OverheadResult } from './phases.ts';
import { startTapChild, type TapChild } from './tap-child.ts';

export interface FirehoseDeps {
  admin: RabbitAdmin;
  log: Logger;
  runId: string;
  command: string;
  say: (line: string) => void;
}

export async function measureFirehoseOverhead(
  o: LoadOptions,
  { admin, log, runId, command, say }: FirehoseDeps,
): Promise<OverheadResult> {
  const host = hostBefore();
  const wasTracing = await admin.tracing();
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-bench-firehose-'));
  const tapQueue = `rollcall-bench-tap-${runId}`;
  const phases: OverheadPhase[] = [];
  let brokerVersion = 'unknown';
  let tap: TapChild | undefined;
  let notRestored: Error | undefined;
  const restore = () => admin.setTracing(wasTracing);
  // A Ctrl-C must not leave the vhost's firehose switched the wrong way.
  const onSignal = () => void restore().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const phase = async (label: string, on: boolean) => {
    await admin.setTracing(on);
    say(`${label}: ${o.durationMs / 1000}s at ${o.rate > 0 ? `${o.rate} msg/s` : 'max rate'}…`);
    const outcome = await runLoad(o, { target: rabbitTarget(o, `${runId}-${phases.length}`, { log, admin }), log });
    brokerVersion = outcome.broker.version;
    const p = phaseOf(label, on, outcome);
    say(
      `${label}: published ${Math.round(p.msgPerSec).toLocaleString('en-US')} msg/s, received ${Math.round(p.endToEndMsgPerSec).toLocaleString('en-US')} msg/s, p99 ${p.p99.toFixed(2)} ms`,
    );
    return p;
  };
  try {
    phases.push(await phase('firehose off', false));
    await admin.setTracing(true);
    tap = await startTapChild(
      'rabbitmq',
      {
        log_level: 'warn',
        clickhouse: { data_dir: join(dir, 'store'), database: 'rollcall_bench_firehose' },
        kafka: { enabled: false },
        rabbitmq: { url: o.url, management_url: o.managementUrl, vhosts: [admin.vhost], tap_queue: tapQueue },
      },
      dir,
    );
    const on = await phase('firehose on, Rollcall tap consuming', true);
    on.tapBacklog = (await admin.queue(tapQueue).catch(() => ({ messages: 0 }))).messages;
    on.tapRows = await tap.stop();
    tap = undefined;
    phases.push(on);
    phases.push(await phase('firehose off again', false));
  } finally {
    await tap?.stop().catch((err: unknown) => log.warn('could not stop the tap process', { err }));
    notRestored = await restore().then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    if (notRestored)
      log.error(`could not turn tracing back ${wasTracing ? 'on' : 'off'}`, { vhost: admin.vhost, err: notRestored });
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    const connection = new Connection({ url: o.url, connectionName: 'rollcall-bench cleanup' });
    try {
      const ch = await connection.acquire();
      await deleteTapQueues(ch, tapQueue);
      await ch.close();
    } finally {
      await connection.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (notRestored)
    throw new Error(
      `could not turn tracing back ${wasTracing ? 'on' : 'off'} in vhost ${admin.vhost} (${notRestored.message}): run rabbitmqctl ${wasTracing ? 'trace_on' : 'trace_off'} -p ${admin.vhost}`,
    );
  return {
    kind: 'firehose',
    date: new Date().toISOString(),
    what: 'RabbitMQ publish and end-to-end throughput with the firehose off, and on with a Rollcall tap (its own process and embedded store) consuming amq.rabbitmq.trace',
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
      'The tap, the load generator and the broker share this host, so the "on" phase also pays for the tap’s CPU.',
      'Each trace message is routed into the tap’s durable queue: a publish and a delivery both produce one.',
    ],
  };
}
