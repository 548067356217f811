// A Rollcall tap in a process of its own, as it runs in production: measured beside the load instead of inside
// its event loop, with the delivery counter beside a RabbitMQ tap that traces publishes only (as the lag role runs
// it). Started by tap-child.ts: argv is the tap kind and a config file; it answers requests over IPC.
import { loadConfig } from '@rollcall/core/config';
import { createLogger } from '@rollcall/core/log';
import { openStore } from '@rollcall/core/store';
import { createKafkaTap } from '@rollcall/collector/kafka/tap';
import { createDeliveryCounter } from '@rollcall/collector/rabbitmq/delivery-counter';
import { createRabbitTap } from '@rollcall/collector/rabbitmq/firehose';
import { createManagement } from '@rollcall/collector/rabbitmq/management';
import type { ChildMessage, ParentMessage, TapProgress } from './tap-child.ts';
import { tallyQueues } from './tally.ts';

const [kind, configFile] = process.argv.slice(2);
const send = (m: ChildMessage) => process.send?.(m);
const failed = (err: unknown): ChildMessage => ({
  type: 'failed',
  error: err instanceof Error ? err.message : String(err),
});

try {
  if ((kind !== 'kafka' && kind !== 'rabbitmq') || !configFile)
    throw new Error('usage: tap-process kafka|rabbitmq CONFIG_FILE');
  const config = loadConfig({ file: configFile, env: {} });
  const log = createLogger(config.log_level).child({ role: 'bench-tap' });
  const store = await openStore(config.clickhouse);
  let rows = 0;
  const onInserted = (n: number) => {
    rows += n;
  };
  const management = createManagement(config.rabbitmq.management_url, config.rabbitmq.url);
  const tap =
    kind === 'kafka'
      ? createKafkaTap({ config, store, log, onInserted })
      : createRabbitTap({ config, store, log, onInserted, management });
  // As in the rollcall process: tracing publishes only, the process that samples lag counts the deliveries.
  const deliveries =
    kind === 'rabbitmq' && config.rabbitmq.trace === 'publish' && config.lag.enabled
      ? createDeliveryCounter({ config, store, log, management })
      : undefined;
  await tap.start();
  await deliveries?.start();
  send({ type: 'ready' });
  const progress = async (queuePrefix: string | undefined): Promise<TapProgress> => {
    const cpu = process.cpuUsage();
    return {
      rows,
      backlog: tap.backlog(),
      cpuMicros: cpu.user + cpu.system,
      queues: queuePrefix === undefined ? undefined : await tallyQueues(store, queuePrefix),
    };
  };
  const answer = async (m: ParentMessage) => {
    if (m.type === 'progress') {
      if (m.countDeliveries) await deliveries?.count();
      send({ type: 'progress', ...(await progress(m.queuePrefix)) });
      return;
    }
    await deliveries?.stop();
    await tap.stop();
    const stopped = await progress(m.queuePrefix);
    await store.close();
    send({ type: 'stopped', ...stopped });
    // chDB's native session can keep the loop alive after close; everything is stored and reported.
    process.exit(0);
  };
  // One request at a time, in order: the parent waits for each answer before it asks again.
  let answering = Promise.resolve();
  process.on('message', (m: ParentMessage) => {
    answering = answering
      .then(() => answer(m))
      .catch((err: unknown) => {
        send(failed(err));
        if (m.type === 'stop') process.exit(1);
      });
  });
} catch (err) {
  send(failed(err));
  process.exit(1);
}
