// Crash test: kill -9 the whole Rollcall process (both taps) twice while traffic flows, restart it each time,
// and require the stored counts to be exactly what was produced: no loss, no double count, at every audit level.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from 'rabbitmq-client';
import { removeLeftovers } from '@rollcall/collector/testing/leftovers';
import { rabbitUrl, tempDir, uniqueName, waitUntil } from '@rollcall/core/testing/brokers';
import { kafkaTarget, testKafka } from './platform.ts';
import { createReadyTopics } from '@rollcall/core/kafka-topics';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '../../bin/rollcall.js');
const name = uniqueName('rc-crash');
const dir = tempDir('rollcall-crash');
// One topic per audit level: rows (the default), keys and counts.
const topics = [`${name}-a`, `${name}-keys`, `${name}-counts`];
const exchange = `${name}.x`;
const queue = `${name}.q`;
const PER_TOPIC = 3000;
const RABBIT = 4000;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('crash safety', () => {
  let port = 0;
  let env: NodeJS.ProcessEnv = {};
  let child: ChildProcess | undefined;
  const log = createWriteStream(join(dir, 'rollcall.log'));

  const startRollcall = async () => {
    child = spawn(process.execPath, [bin, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    await waitUntil(
      () =>
        fetch(`http://127.0.0.1:${port}/readyz`).then(
          (r) => r.status,
          () => 0,
        ),
      (status) => status === 200,
      60_000,
      'rollcall to be ready',
    );
  };
  const kill9 = async () => {
    const dead = new Promise((resolve) => child?.once('exit', resolve));
    child?.kill('SIGKILL');
    await dead;
  };
  const count = async (broker: string, stream: string, kind: string, ...extra: string[]) => {
    const { stdout } = await run(
      process.execPath,
      [bin, 'count', '--broker', broker, '--stream', stream, '--kind', kind, ...extra],
      { env },
    );
    return Number(stdout.trim());
  };

  beforeAll(async () => {
    port = await freePort();
    const configFile = join(dir, 'rollcall.yaml');
    writeFileSync(
      configFile,
      `audit:\n  streams:\n    - { match: '^${name}-keys$', level: keys }\n    - { match: '^${name}-counts$', level: counts }\n`,
    );
    env = {
      ...process.env,
      ROLLCALL_CONFIG: configFile,
      ROLLCALL_DATA_DIR: join(dir, 'clickhouse'),
      ROLLCALL_API_PORT: String(port),
      ROLLCALL_KAFKA_BROKERS: kafkaTarget.brokers.join(','),
      ROLLCALL_KAFKA_INCLUDE: `^${name}-`,
      ROLLCALL_KAFKA_GROUP_ID: `${name}-tap`,
      ROLLCALL_KAFKA_METADATA_REFRESH: '1s',
      ROLLCALL_KAFKA_SESSION_TIMEOUT: '6s',
      ROLLCALL_RABBITMQ_URL: rabbitUrl(),
      ROLLCALL_RABBITMQ_TAP_QUEUE: `${name}.tap`,
      // small, frequent batches give the kills many insert/commit windows to land in
      ROLLCALL_WRITER_BATCH_SIZE: '150',
      ROLLCALL_WRITER_FLUSH_INTERVAL: '50ms',
      ROLLCALL_LOG_LEVEL: 'info',
    };
    const admin = testKafka('crash-test').admin();
    await admin.connect();
    await createReadyTopics(
      admin,
      topics.map((topic) => ({ topic, numPartitions: 2 })),
    );
    await admin.disconnect();
    await startRollcall();
  });

  afterAll(async () => {
    child?.kill('SIGTERM');
    await new Promise((r) => child?.once('exit', r) ?? r(undefined));
    log.end();
    await removeLeftovers({
      rabbitUrl: rabbitUrl(),
      tapQueue: `${name}.tap`,
      kafkaBrokers: kafkaTarget.brokers,
      topics,
    });
  });

  it('counts exactly N after kill -9 mid-stream, for Kafka and RabbitMQ', { timeout: 240_000 }, async () => {
    const kafka = testKafka('crash-producer');
    const producer = kafka.producer();
    await producer.connect();
    const rabbit = new Connection(rabbitUrl());
    const ch = await rabbit.acquire();
    await ch.exchangeDeclare({ exchange, type: 'fanout', autoDelete: true });
    await ch.queueDeclare({ queue, autoDelete: true });
    await ch.queueBind({ queue, exchange });
    const publisher = rabbit.createPublisher({ confirm: true, maxAttempts: 3 });
    let consumed = 0;
    const consumer = rabbit.createConsumer(
      { queue, queueOptions: { autoDelete: true }, qos: { prefetchCount: 100 } },
      async () => {
        consumed++;
      },
    );

    // about eight seconds of steady traffic on both brokers
    const traffic = (async () => {
      for (let step = 0; step < 40; step++) {
        await Promise.all(
          topics.map((topic) =>
            producer.send({
              topic,
              messages: Array.from({ length: PER_TOPIC / 40 }, (_, i) => ({
                key: `k${i}`,
                value: JSON.stringify({ step, i }),
                headers: { ce_type: 'Tick', ce_source: 'crash-test' },
              })),
            }),
          ),
        );
        await Promise.all(
          Array.from({ length: RABBIT / 40 }, (_, i) =>
            publisher.send({ exchange, routingKey: 'tick', type: 'Tick', messageId: `${step}-${i}` }, { step, i }),
          ),
        );
        await new Promise((r) => setTimeout(r, 200));
      }
    })();

    await new Promise((r) => setTimeout(r, 2000));
    await kill9();
    await startRollcall();
    await new Promise((r) => setTimeout(r, 1500));
    await kill9();
    await startRollcall();
    await traffic;
    await waitUntil(
      async () => consumed,
      (n) => n === RABBIT,
      60_000,
      'the application consumer to drain its queue',
    );

    const expected = [PER_TOPIC, PER_TOPIC, PER_TOPIC, RABBIT, RABBIT];
    const counts = () =>
      Promise.all([
        count('kafka', topics[0] ?? '', 'publish'),
        count('kafka', topics[1] ?? '', 'publish'),
        count('kafka', topics[2] ?? '', 'publish'),
        count('rabbitmq', exchange, 'publish'),
        count('rabbitmq', exchange, 'deliver'),
      ]);
    await waitUntil(counts, (c) => c.every((n, i) => n >= (expected[i] ?? 0)), 120_000, 'every message to be stored');
    await new Promise((r) => setTimeout(r, 3000)); // late duplicates would show up here
    expect(await counts()).toEqual(expected);
    expect(await count('kafka', topics[0] ?? '', 'publish', '--event-type', 'Tick')).toBe(PER_TOPIC);
    expect(await count('kafka', topics[0] ?? '', 'publish', '--event-type', 'Tock')).toBe(0);
    expect(await count('kafka', topics[2] ?? '', 'publish', '--event-type', 'Tick')).toBe(PER_TOPIC);
    // the per-minute rollup agrees too: start-up reconciliation healed whatever a kill left it short of
    const { streams } = (await (await fetch(`http://127.0.0.1:${port}/api/v1/streams?range=1h`)).json()) as {
      streams: { stream: string; count: number }[];
    };
    const rolled = (stream: string) => streams.find((s) => s.stream === stream)?.count;
    expect([rolled(topics[0] ?? ''), rolled(topics[1] ?? ''), rolled(topics[2] ?? ''), rolled(exchange)]).toEqual([
      PER_TOPIC,
      PER_TOPIC,
      PER_TOPIC,
      RABBIT,
    ]);

    // the counts topic kept no row per message, the keys topic narrow rows (no schema), the rows topic full ones
    const recent = async (topic: string) =>
      (
        (await (await fetch(`http://127.0.0.1:${port}/api/v1/streams/kafka/${topic}/events?limit=5`)).json()) as {
          events: { schema_fingerprint: string | number }[];
        }
      ).events;
    const [full, narrow, none] = await Promise.all(topics.map((t) => recent(t)));
    expect([full?.length, narrow?.length, none?.length]).toEqual([5, 5, 0]);
    expect(full?.every((e) => Number(e.schema_fingerprint) !== 0)).toBe(true);
    expect(narrow?.every((e) => Number(e.schema_fingerprint) === 0)).toBe(true);

    // with Rollcall stopped, the same command opens the embedded store itself and agrees
    const stopped = new Promise((resolve) => child?.once('exit', resolve));
    child?.kill('SIGTERM');
    await stopped;
    child = undefined;
    // one at a time: with nothing running, each command holds the embedded store for itself
    expect(await count('kafka', topics[1] ?? '', 'publish')).toBe(PER_TOPIC);
    expect(await count('kafka', topics[2] ?? '', 'publish')).toBe(PER_TOPIC);
    expect(await count('rabbitmq', exchange, 'deliver')).toBe(RABBIT);

    await consumer.close();
    await publisher.close();
    await ch.close();
    await rabbit.close();
    await producer.disconnect();
  });
});
