// /metrics counts what was stored: after traffic that used to put the RabbitMQ tap in a reconnect loop (an
// exchange name whose firehose routing key overflows AMQP's short string), rollcall_messages_total equals the
// rows in the store, exactly, and no label value grows past the bound. Runs in a vhost of its own: the store then
// holds only this test's traffic, and the poison never reaches other taps on the shared broker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from 'rabbitmq-client';
import { queryRows } from '@rollcall/core/store/queries';
import { sleep } from '@rollcall/core/retry';
import { addTracedVhost, deleteVhost, rabbitUrl, tempDir, uniqueName, waitUntil } from '@rollcall/core/testing/brokers';
import { vhostUrl } from '@rollcall/collector/rabbitmq/firehose';
import { MAX_LABEL_LENGTH } from '../../src/metrics.ts';
import type { Platform } from '../../src/platform.ts';
import { startTestPlatform } from './platform.ts';

const name = uniqueName('rc-metrics');
const vhost = `${name}-vh`;
const dir = tempDir('rollcall-metrics-exact');
const long = `${name}.${'x'.repeat(248 - name.length - 1)}`; // 248 bytes: publish.<name> is 256
const plain = `${name}.plain`;

/** Sum of one counter's samples whose labels include every `where` pair. */
function sum(metrics: string, metric: string, where: Record<string, string>): number {
  let total = 0;
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${metric}{`)) continue;
    if (Object.entries(where).every(([k, v]) => line.includes(`${k}="${v}"`))) total += Number(line.split(' ').at(-1));
  }
  return total;
}

describe('/metrics after a hostile exchange name', () => {
  let platform: Platform;
  let rabbit: Connection;

  beforeAll(async () => {
    await addTracedVhost(vhost);
    rabbit = new Connection(vhostUrl(rabbitUrl(), vhost));
    platform = await startTestPlatform({
      name,
      dir,
      file: 'metrics-exact.test.ts',
      level: process.env.ROLLCALL_TEST_LOG ? 'debug' : 'error',
      env: {
        ROLLCALL_RABBITMQ_VHOSTS: vhost,
        ROLLCALL_KAFKA_ENABLED: 'false',
        ROLLCALL_RULES_ENABLED: 'false',
        ROLLCALL_LAG_ENABLED: 'false',
      },
    });
    const ch = await rabbit.acquire();
    for (const exchange of [long, plain]) await ch.exchangeDeclare({ exchange, type: 'fanout' });
    await ch.close();
  });

  afterAll(async () => {
    await platform?.stop();
    await rabbit?.close();
    await deleteVhost(vhost); // its tap queues and exchanges with it
  });

  it('counts exactly the rows it stored', { timeout: 120_000 }, async () => {
    const publisher = rabbit.createPublisher({ confirm: true, maxAttempts: 1 });
    for (let i = 0; i < 20; i++) await publisher.send({ exchange: plain, type: 'Plain' }, { i });
    for (let i = 0; i < 7; i++) await publisher.send({ exchange: long, type: 'Long' }, { i });
    for (let i = 0; i < 20; i++) await publisher.send({ exchange: plain, type: 'Plain' }, { i });
    await publisher.close();
    const stored = async () => {
      const [row] = await queryRows<{ n: string }>(
        platform.store,
        `SELECT count() AS n FROM ${platform.store.db}.events WHERE broker = 'rabbitmq' AND kind = 'publish' AND startsWith(stream, {p:String})`,
        { p: name },
      );
      return Number(row?.n ?? 0);
    };
    await waitUntil(stored, (n) => n === 47, 60_000, 'all 47 publishes stored');
    await sleep(2000); // a loop would store or count more meanwhile
    expect(await stored()).toBe(47);
    const metrics = await fetch(`${platform.url}/metrics`).then((r) => r.text());
    // Streams outside the top N share the label "other"; this store holds nothing else.
    expect(sum(metrics, 'rollcall_messages_total', { broker: 'rabbitmq', kind: 'publish' })).toBe(47);
    const longest = Math.max(...[...metrics.matchAll(/="([^"]*)"/g)].map((m) => (m[1] ?? '').length));
    expect(longest).toBeLessThanOrEqual(MAX_LABEL_LENGTH);
  });
});
