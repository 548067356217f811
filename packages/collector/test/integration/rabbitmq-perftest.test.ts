// RabbitMQ PerfTest (com.rabbitmq:perf-test, fetched by deploy/local/perf-test) as an independent producer: the
// tap's publish count for its exchange must equal what PerfTest sent, exactly. Runs in a vhost of its own.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from '@rollcall/core/log';
import { countEvents } from '@rollcall/core/store/queries';
import { rabbitUrl, tempDir, uniqueName, waitUntil } from '@rollcall/core/testing/brokers';
import { vhostUrl } from '../../src/rabbitmq/firehose.ts';
import { createManagement } from '../../src/rabbitmq/management.ts';
import { startTestTap, type TestTap } from './test-tap.ts';
import { rabbitTapConfig } from './tap-config.ts';

const run = promisify(execFile);
const name = uniqueName('rc-perftest');
const vhost = `${name}-vh`;
const exchange = `${name}.perf`;
const log = process.env.ROLLCALL_TEST_LOG ? createLogger('debug') : silentLogger;

const config = rabbitTapConfig('rabbitmq-perftest.test.ts', {
  dataDir: tempDir('rollcall-rabbit-perftest'),
  database: 'rabbit_perftest',
  rabbitmq: `tap_queue: ${name}.tap, vhosts: ['${vhost}']`,
});

interface PerfTestRun {
  producers: number;
  perProducer: number;
}

/** Runs PerfTest with producers only, each stopping at `perProducer` messages (-C); returns the number sent. */
async function perfTest({ producers, perProducer }: PerfTestRun): Promise<number> {
  const { stdout: cache } = await run('bash', [
    fileURLToPath(new URL('../../../../deploy/local/perf-test', import.meta.url)),
  ]);
  const args = [
    '-cp',
    `${cache.trim()}/*`,
    'com.rabbitmq.perf.PerfTest',
    '-h',
    vhostUrl(rabbitUrl(), vhost),
    '-e',
    exchange,
    '-t',
    'direct',
    '-u',
    `${name}.q`,
    '-x',
    String(producers),
    '-y',
    '0',
    '-C',
    String(perProducer),
    '-c',
    '100',
    '-s',
    '200',
  ];
  const { stdout } = await run('java', args, { maxBuffer: 16 * 1024 * 1024 });
  // PerfTest prints no total; it stops once every producer has sent exactly -C messages, and says so.
  if (!stdout.includes('test stopped (Producer reached message limit'))
    throw new Error(`PerfTest did not reach its message limit:\n${stdout}`);
  return producers * perProducer;
}

describe('RabbitMQ tap against RabbitMQ PerfTest', () => {
  const management = createManagement(config.rabbitmq.management_url, config.rabbitmq.url);
  let vt: TestTap;

  beforeAll(async () => {
    vt = await startTestTap({ config, log, management, vhost });
  });

  afterAll(async () => {
    await vt?.stop();
  });

  it('counts exactly the publishes PerfTest reports as sent', { timeout: 180_000 }, async () => {
    const sent = await perfTest({ producers: 3, perProducer: 2000 });
    expect(sent).toBe(6000);
    const count = () =>
      countEvents(vt.store, { broker: 'rabbitmq', stream: exchange, kind: 'publish' }).then((d) => d.count);
    await waitUntil(count, (n) => n >= sent, 90_000, 'every PerfTest publish stored');
    // The broker's own counter for the exchange agrees, and the tap queue is drained: nothing more will arrive.
    const publishedIn = async () => {
      const res = await fetch(
        new URL(
          `/api/exchanges/${encodeURIComponent(vhost)}/${encodeURIComponent(exchange)}`,
          config.rabbitmq.management_url,
        ),
        { headers: { authorization: 'Basic ' + Buffer.from('guest:guest').toString('base64') } },
      );
      return Number(((await res.json()) as { message_stats?: { publish_in?: number } }).message_stats?.publish_in ?? 0);
    };
    await waitUntil(publishedIn, (n) => n === sent, 30_000, 'the broker to count the exchange publishes');
    await vt.settled();
    expect(await count()).toBe(sent);
  });
});
