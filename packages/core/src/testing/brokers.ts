// Shared helpers for integration tests: which real brokers to use and how to wait for the store to catch up.
// Test-only; nothing in the product imports this module.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KafkaTarget {
  version: string;
  brokers: string[];
}

/** ROLLCALL_TEST_KAFKA="4.1=127.0.0.1:9092,3.9=127.0.0.1:9192": every Kafka version the tests run against. */
export function kafkaTargets(env: NodeJS.ProcessEnv = process.env): KafkaTarget[] {
  const spec = env.ROLLCALL_TEST_KAFKA ?? '4.1=127.0.0.1:9092';
  return spec.split(',').map((entry) => {
    const [version = '', broker = ''] = entry.split('=');
    return { version, brokers: [broker] };
  });
}

export const rabbitUrl = (env: NodeJS.ProcessEnv = process.env) => env.ROLLCALL_TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export const uniqueName = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;

export const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), `${prefix}-`));

/** Polls until check() returns true; fails with the last observed value so a miss says by how much. */
export async function waitUntil<T>(probe: () => Promise<T>, check: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)}`);
}

/** Env for a platform under test: its own data dir and a free port, a Kafka tap group and RabbitMQ tap queue
 * named after the test (so parallel runs never share them), topics limited to the test's prefix, fast flushes. */
export function platformTestEnv(name: string, dir: string, kafka: KafkaTarget): Record<string, string> {
  return {
    ROLLCALL_DATA_DIR: join(dir, 'clickhouse'),
    ROLLCALL_API_PORT: '0',
    ROLLCALL_KAFKA_BROKERS: kafka.brokers.join(','),
    ROLLCALL_KAFKA_INCLUDE: `^${name}`,
    ROLLCALL_KAFKA_GROUP_ID: `${name}-tap`,
    ROLLCALL_KAFKA_START: 'earliest',
    ROLLCALL_KAFKA_METADATA_REFRESH: '1s',
    ROLLCALL_RABBITMQ_URL: rabbitUrl(),
    ROLLCALL_RABBITMQ_TAP_QUEUE: `${name}.tap`,
    ROLLCALL_WRITER_FLUSH_INTERVAL: '200ms',
  };
}
