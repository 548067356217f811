// The server under test in-process on the shared brokers, as the integration tests start it: the test defaults
// (names under `name`, the store in `dir`) with the test's own settings on top, ready before it returns.
import { Kafka, logLevel } from 'kafkajs';
import { parseConfig } from '@rollcall/core/config';
import { createLogger, type LogLevel } from '@rollcall/core/log';
import { kafkaTargets, platformTestEnv, waitUntil, type KafkaTarget } from '@rollcall/core/testing/brokers';
import { startPlatform, type Platform } from '../../src/platform.ts';

/** The first Kafka under test (ROLLCALL_TEST_KAFKA), else the local default. */
export const kafkaTarget: KafkaTarget = kafkaTargets()[0] ?? { version: '4.1', brokers: ['127.0.0.1:9092'] };

/** A client of that Kafka, its own logging off. */
export const testKafka = (clientId: string) =>
  new Kafka({ clientId, brokers: kafkaTarget.brokers, logLevel: logLevel.NOTHING });

export async function startTestPlatform({
  name,
  dir,
  env = {},
  yaml = '',
  file = 'test',
  level = 'warn',
}: {
  name: string;
  dir: string;
  /** Over the test defaults. */
  env?: Record<string, string>;
  /** The config file's text, and its name in error messages. */
  yaml?: string;
  file?: string;
  level?: LogLevel;
}): Promise<Platform> {
  const config = parseConfig(yaml, file, { ...platformTestEnv(name, dir, kafkaTarget), ...env });
  const platform = await startPlatform(config, createLogger(level));
  await waitUntil(
    () => fetch(`${platform.url}/readyz`).then((r) => r.status),
    (s) => s === 200,
    60_000,
    'rollcall to be ready',
  );
  return platform;
}
