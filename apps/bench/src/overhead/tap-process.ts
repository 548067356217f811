// A Rollcall tap in a process of its own, as it runs in production: measured beside the load instead of inside
// its event loop. Started by tap-child.ts: argv is the tap kind and a config file; it reports over IPC.
import { loadConfig } from '@rollcall/core/config';
import { createLogger } from '@rollcall/core/log';
import { openStore } from '@rollcall/core/store';
import { createKafkaTap } from '@rollcall/collector/kafka/tap';
import { createRabbitTap } from '@rollcall/collector/rabbitmq/firehose';
import { createManagement } from '@rollcall/collector/rabbitmq/management';
import type { ChildMessage } from './tap-child.ts';

const [kind, configFile] = process.argv.slice(2);
const send = (m: ChildMessage) => process.send?.(m);

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
  const tap =
    kind === 'kafka'
      ? createKafkaTap({ config, store, log, onInserted })
      : createRabbitTap({
          config,
          store,
          log,
          onInserted,
          management: createManagement(config.rabbitmq.management_url, config.rabbitmq.url),
        });
  await tap.start();
  send({ type: 'ready' });
  process.on('message', (m) => {
    if (m !== 'stop') return;
    void (async () => {
      await tap.stop();
      await store.close();
      send({ type: 'stopped', rows });
      // chDB's native session can keep the loop alive after close; everything is stored and reported.
      process.exit(0);
    })();
  });
} catch (err) {
  send({ type: 'failed', error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
}
