// Hostile traffic against the real broker: names and headers the AMQP tap connection cannot carry never stop the
// RabbitMQ tap or make it count twice. Runs in a vhost of its own, so the poison never reaches other tests' taps.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from 'rabbitmq-client';
import { createLogger, silentLogger } from '@rollcall/core/log';
import type { Store } from '@rollcall/core/store';
import { rabbitUrl, tempDir, uniqueName, waitUntil } from '@rollcall/core/testing/brokers';
import { vhostUrl } from '../../src/rabbitmq/firehose.ts';
import { createManagement } from '../../src/rabbitmq/management.ts';
import { drainQueue } from './drain-queue.ts';
import { rabbitTapConfig } from './tap-config.ts';
import { startTestTap, type TestTap } from './test-tap.ts';

const name = uniqueName('rc-hostile');
const vhost = `${name}-vh`;
const log = process.env.ROLLCALL_TEST_LOG ? createLogger('debug') : silentLogger;
const run = promisify(execFile);

const config = rabbitTapConfig('rabbitmq-hostile.test.ts', {
  dataDir: tempDir('rollcall-rabbit-hostile'),
  database: 'rabbit_hostile',
  rabbitmq: `tap_queue: ${name}.tap, vhosts: ['${vhost}'], prefetch: 50`,
});

// An independent client for what rabbitmq-client cannot even encode: RabbitMQ's Java client, from the jars that
// deploy/local/perf-test caches. Publishes `count` messages whose header `deep` is a table nested `depth` deep.
const DEEP_HEADERS_JAVA = `
import com.rabbitmq.client.*;
import java.nio.charset.StandardCharsets;
import java.util.*;

public class DeepHeaders {
  public static void main(String[] args) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(args[0]);
    int depth = Integer.parseInt(args[2]);
    int count = Integer.parseInt(args[3]);
    try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
      channel.confirmSelect();
      for (int i = 0; i < count; i++) {
        Map<String, Object> table = Map.of("leaf", "x");
        for (int d = 0; d < depth; d++) table = Map.of("n", table);
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().messageId(args[4] + i).headers(Map.of("deep", table)).build();
        channel.basicPublish(args[1], "k", props, ("{\\"i\\":" + i + "}").getBytes(StandardCharsets.UTF_8));
      }
      channel.waitForConfirmsOrDie(30_000);
    }
  }
}
`;

async function publishDeepHeaders(exchange: string, depth: number, count: number, idPrefix: string): Promise<void> {
  const { stdout } = await run('bash', [fileURLToPath(new URL('../../../../deploy/local/perf-test', import.meta.url))]);
  const classpath = `${stdout.trim()}/*`;
  const dir = tempDir('rollcall-deep-headers');
  writeFileSync(join(dir, 'DeepHeaders.java'), DEEP_HEADERS_JAVA);
  await run('javac', ['-cp', classpath, '-d', dir, join(dir, 'DeepHeaders.java')]);
  // the Java client encodes tables recursively too; a larger thread stack lets it write 5,000 levels
  await run('java', [
    '-Xss64m',
    '-cp',
    `${dir}:${classpath}`,
    'DeepHeaders',
    vhostUrl(rabbitUrl(), vhost),
    exchange,
    String(depth),
    String(count),
    idPrefix,
  ]);
}

/** A name of exactly `bytes` bytes, so the firehose routing key `publish.<name>` is `bytes + 8` bytes long. */
const longName = (prefix: string, bytes: number) => prefix + 'x'.repeat(bytes - Buffer.byteLength(prefix));

describe('RabbitMQ tap under hostile traffic', () => {
  const management = createManagement(config.rabbitmq.management_url, config.rabbitmq.url);
  let rabbit: Connection;
  let vt: TestTap;
  let store: Store;

  const rows = async (where: string, params: Record<string, unknown>) => {
    const rs = await store.client.query({
      query: `SELECT stream, kind, queue, message_id, parse_error FROM ${store.db}.events WHERE ${where} ORDER BY message_id`,
      query_params: params,
      format: 'JSONEachRow',
    });
    return rs.json<{ stream: string; kind: string; queue: string; message_id: string; parse_error: string }>();
  };
  const settled = () => vt.settled();
  /** The rows whose message id starts with `prefix`, once there are `n` of them and the tap has settled. */
  const storedOnceSettled = async (prefix: string, n: number, what: string) => {
    const withPrefix = () => rows('startsWith(message_id, {p:String})', { p: prefix });
    await waitUntil(
      async () => (await withPrefix()).length,
      (count) => count >= n,
      60_000,
      what,
    );
    await settled();
    return withPrefix();
  };

  beforeAll(async () => {
    vt = await startTestTap({ config, log, management, vhost });
    store = vt.store;
    rabbit = new Connection(vhostUrl(rabbitUrl(), vhost));
    rabbit.on('error', (err) => log.warn('test connection error', { err }));
  });

  afterAll(async () => {
    await rabbit?.close();
    await vt?.stop();
  });

  it(
    'stores publishes to exchanges and deliveries from queues with names up to 255 bytes once each, and keeps running',
    { timeout: 120_000 },
    async () => {
      const ch = await rabbit.acquire();
      const exchanges = [longName(`${name}.ok.`, 200), longName(`${name}.248.`, 248), longName(`${name}.255.`, 255)];
      for (const exchange of exchanges) await ch.exchangeDeclare({ exchange, type: 'fanout', autoDelete: false });
      // deliveries from it are traced as `deliver.<queue>`: 258 bytes
      const queue = longName(`${name}.q.`, 250);
      await ch.queueDeclare({ queue, autoDelete: false });
      await ch.queueBind({ queue, exchange: exchanges[2] as string });
      const publisher = rabbit.createPublisher({ confirm: true, maxAttempts: 1 });
      // Long names interleaved with short ones, so some trace messages were delivered and stored before each poison.
      for (let i = 0; i < 7; i++) {
        for (const [e, exchange] of exchanges.entries())
          await publisher.send({ exchange, routingKey: 'k', messageId: `long-${e}-${i}` }, { i });
      }
      await publisher.close();
      await drainQueue(rabbit, { queue, qos: { prefetchCount: 10 } }, 7, 'the long-named queue to be consumed');

      const stored = await storedOnceSettled('long-', 28, 'every publish and delivery stored');
      expect(stored.length).toBe(28);
      expect(new Set(stored.map((r) => `${r.kind} ${r.message_id}`)).size).toBe(28);
      expect(stored.filter((r) => r.kind === 'publish' && r.stream === exchanges[2]).length).toBe(7);
      expect(stored.filter((r) => r.kind === 'deliver').map((r) => [r.stream, r.queue, r.parse_error])).toEqual(
        Array.from({ length: 7 }, () => [exchanges[2], queue, '']),
      );
      await ch.queueDelete({ queue });
      for (const exchange of exchanges) await ch.exchangeDelete({ exchange });
      await ch.close();
    },
  );

  it(
    'stores a message with a header table nested 5,000 deep once, with a parse_error, and keeps running',
    { timeout: 120_000 },
    async () => {
      const exchange = `${name}.deep`;
      const ch = await rabbit.acquire();
      await ch.exchangeDeclare({ exchange, type: 'fanout', autoDelete: false });
      const publisher = rabbit.createPublisher({ confirm: true, maxAttempts: 1 });
      const plain = (from: number) =>
        Promise.all(
          Array.from({ length: 5 }, (_, i) =>
            publisher.send({ exchange, routingKey: 'k', messageId: `deep-plain-${from + i}` }, { i }),
          ),
        );
      await plain(0);
      await publishDeepHeaders(exchange, 5000, 3, 'deep-nested-');
      await plain(5);
      await publisher.close();

      const stored = await storedOnceSettled('deep-', 13, 'every publish stored');
      expect(stored.length).toBe(13);
      expect(new Set(stored.map((r) => r.message_id)).size).toBe(13);
      const nested = stored.filter((r) => r.message_id.startsWith('deep-nested-'));
      expect(nested.map((r) => r.message_id)).toEqual(['deep-nested-0', 'deep-nested-1', 'deep-nested-2']);
      for (const r of nested)
        expect(r.parse_error).toMatch(
          /^not readable over AMQP \(RangeError: Maximum call stack size exceeded\); read through the management API/,
        );
      expect(stored.filter((r) => r.parse_error === '').length).toBe(10);
      await ch.exchangeDelete({ exchange });
      await ch.close();
    },
  );

  // Last: decoding the traffic before it warms rabbitmq-client's decoder up, and the 5,000-deep table above then
  // fits the stack (no RangeError, so nothing to recover from).
  it(
    'stores ordinary messages published after the long names, also when they are byte-identical to earlier ones',
    { timeout: 120_000 },
    async () => {
      // RabbitMQ marks redelivered everything it had handed to the connection the first long name killed, also the
      // messages behind it that never reached the tap. These are byte-identical to the first 20 (same channel, no
      // message id, same bodies): they used to be taken for redeliveries of them, or dropped by ClickHouse as an
      // insert with the same deduplication token, and only 27 of 47 were stored.
      const plain = `${name}.twins`;
      const long = longName(`${name}.twins.`, 248);
      const ch = await rabbit.acquire();
      for (const exchange of [plain, long]) await ch.exchangeDeclare({ exchange, type: 'fanout', autoDelete: false });
      const publisher = rabbit.createPublisher({ confirm: true, maxAttempts: 1 });
      for (let i = 0; i < 20; i++) await publisher.send({ exchange: plain, type: 'Plain' }, { i });
      for (let i = 0; i < 7; i++) await publisher.send({ exchange: long, type: 'Long' }, { i });
      for (let i = 0; i < 20; i++) await publisher.send({ exchange: plain, type: 'Plain' }, { i });
      await publisher.close();

      const count = async (stream: string) =>
        (await rows('stream = {s:String} AND kind = {k:String}', { s: stream, k: 'publish' })).length;
      await waitUntil(
        async () => (await count(plain)) + (await count(long)),
        (n) => n >= 47,
        60_000,
        'all 47 publishes stored',
      );
      await settled();
      expect(await count(plain)).toBe(40);
      expect(await count(long)).toBe(7);
      for (const exchange of [plain, long]) await ch.exchangeDelete({ exchange });
      await ch.close();
    },
  );
});
