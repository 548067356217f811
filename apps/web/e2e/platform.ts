// The real server for the end-to-end tests: Rollcall on a fresh embedded store with every role, tapping the
// real brokers, serving the built dashboard, with an admin and a viewer token, rules from a temp folder and
// the Card→Fraud pilot producing real traffic under unique names.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Connection } from 'rabbitmq-client';
import { parseConfig } from '@rollcall/core/config';
import { createLogger } from '@rollcall/core/log';
import { kafkaTargets, platformTestEnv, rabbitUrl, tempDir, uniqueName, waitUntil } from '@rollcall/core/testing/brokers';
import { deleteTapQueues } from '@rollcall/collector/rabbitmq/tap-queues';
import { startPlatform, type Platform } from '@rollcall/api/platform';
import { startCardFraud, type CardFraudNames } from '@rollcall/pilots/card-fraud';
import type { Pilot } from '@rollcall/pilots/pilot';
import { startControl } from '@rollcall/pilots/control';
import { runBenchCli } from '@rollcall/bench/cli';
import { WEB_DIST } from './paths.ts';

/** Rule ids the tests look for. */
export const RULES = {
  /** The incident's ratio rule: fires only when the card service stops publishing a network. */
  ratio: 'cards-published-per-request',
  /** Fires at once under the pilot's traffic, so every page has an alert to show. */
  ceiling: 'requests-ceiling',
  /** Stays ok while traffic flows. */
  fresh: 'scores-fresh',
} as const;

export interface E2ePlatform {
  url: string;
  platform: Platform;
  kafkaBrokers: string[];
  name: string;
  names: CardFraudNames;
  tokens: { admin: string; viewer: string };
  pilot: Pilot;
  /** GET an API path as admin and parse the JSON. */
  get<T>(path: string): Promise<T>;
  stop(): Promise<void>;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function rulesYaml(names: CardFraudNames): string {
  const fast = 'window: 10s\n    every: 5s\n    delay: 3s';
  return `rules:
  - id: ${RULES.ratio}
    description: Every accepted card authorization is published to RabbitMQ
    severity: critical
    labels: { team: payments }
    type: ratio
    a: { broker: kafka, stream: ${names.requests} }
    b: { broker: rabbitmq, stream: ${names.exchange} }
    lo: 0.95
    hi: 1.05
    ${fast}
  - id: ${RULES.ceiling}
    description: Card requests stay under a ceiling the pilot always exceeds
    severity: warning
    labels: { team: payments }
    type: volume
    match: { broker: kafka, stream: ${names.requests} }
    max: 5
    ${fast}
  - id: ${RULES.fresh}
    description: Fraud scores keep coming
    severity: info
    labels: { team: fraud }
    type: freshness
    match: { broker: kafka, stream: ${names.scores} }
    max_silence: 30s
    every: 5s
    delay: 0s
`;
}

export async function startE2ePlatform(prefix: string, port = 0): Promise<E2ePlatform> {
  if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error(`the dashboard is not built (${WEB_DIST}): run npm run build -w @rollcall/web first`);
  const name = uniqueName(prefix);
  const dir = tempDir(prefix);
  const kafkaTarget = kafkaTargets()[0] ?? { version: '4.1', brokers: ['127.0.0.1:9092'] };
  const names: CardFraudNames = { requests: `${name}.requests`, exchange: `${name}.cards`, queue: `${name}.fraud`, scores: `${name}.scores` };
  const tokens = { admin: `e2e-admin-${randomBytes(12).toString('hex')}`, viewer: `e2e-viewer-${randomBytes(12).toString('hex')}` };

  const admin = new Kafka({ clientId: 'web-e2e', brokers: kafkaTarget.brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [names.requests, names.scores].map((topic) => ({ topic, numPartitions: 1 })) });
  await admin.disconnect();

  // The pilot and its control endpoint come first: the server proxies the demo's incident switch to it.
  const pilot = await startCardFraud({ rabbitUrl: rabbitUrl(), kafkaBrokers: kafkaTarget.brokers, ratePerSecond: 20, log: createLogger('error'), names });
  const control = await startControl({ pilots: [pilot], log: createLogger('error'), port: 0 });

  const rulesDir = join(dir, 'rules.d');
  mkdirSync(rulesDir, { recursive: true });
  writeFileSync(join(rulesDir, 'e2e.yaml'), rulesYaml(names));
  const config = parseConfig(
    `api:\n  tokens:\n    - { name: e2e-admin, role: admin, sha256: ${sha256(tokens.admin)} }\n    - { name: e2e-viewer, role: viewer, sha256: ${sha256(tokens.viewer)} }\n`,
    join(dir, 'rollcall.yaml'),
    {
      ...platformTestEnv(name, dir, kafkaTarget),
      ROLLCALL_API_PORT: String(port),
      ROLLCALL_API_WEB_DIR: WEB_DIST,
      ROLLCALL_API_PILOTS_URL: control.url,
      ROLLCALL_RULES_DIR: rulesDir,
      ROLLCALL_RULES_RELOAD: '500ms',
    },
  );
  const platform: Platform = await startPlatform(config, createLogger('warn')).catch(async (err: unknown) => {
    await control.close();
    await pilot.stop();
    throw err;
  });
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${platform.url}${path}`, { headers: { authorization: `Bearer ${tokens.admin}` } });
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  await waitUntil(() => fetch(`${platform.url}/readyz`).then((r) => r.status), (s) => s === 200, 60_000, 'rollcall to be ready');

  return {
    url: platform.url,
    platform,
    kafkaBrokers: kafkaTarget.brokers,
    name,
    names,
    tokens,
    pilot,
    get,
    async stop() {
      await control.close();
      await pilot.stop();
      await platform.stop();
      const rabbit = new Connection(rabbitUrl());
      const ch = await rabbit.acquire();
      await deleteTapQueues(ch, `${name}.tap`);
      await ch.queueDelete({ queue: names.queue });
      await ch.exchangeDelete({ exchange: names.exchange });
      await ch.close();
      await rabbit.close();
      const kafkaAdmin = new Kafka({ clientId: 'web-e2e', brokers: kafkaTarget.brokers, logLevel: logLevel.NOTHING }).admin();
      await kafkaAdmin.connect();
      await kafkaAdmin.deleteTopics({ topics: [names.requests, names.scores] }).catch(() => {});
      await kafkaAdmin.deleteGroups([`${name}-tap`]).catch(() => {});
      await kafkaAdmin.disconnect();
    },
  };
}

/** Waits until all three pilot streams have stored traffic, so every page has real data to show. */
export async function waitForTraffic(e2e: E2ePlatform): Promise<void> {
  const wanted = [e2e.names.requests, e2e.names.exchange, e2e.names.scores];
  await waitUntil(
    () => e2e.get<{ streams: { stream: string; count: number }[] }>('/api/v1/streams?range=15m'),
    (d) => wanted.every((s) => d.streams.some((x) => x.stream === s && x.count > 20)),
    60_000,
    'traffic on every pilot stream',
  );
}

/**
 * Two real benchmark runs of one scenario against Kafka, stored in the server's own store (chDB allows one
 * store per process): the first is the scenario's baseline, the second is compared with it.
 */
export async function runBenchmarks(e2e: E2ePlatform): Promise<void> {
  const resultsDir = tempDir('rollcall-web-bench');
  const output: string[] = [];
  const base = ['--broker', 'kafka', '--brokers', e2e.kafkaBrokers.join(','), '--size', '200', '--rate', '400', '--duration', '3s', '--drain', '5s', '--partitions', '1', '--scenario', `${e2e.name}-bench`];
  for (const argv of [[...base, '--baseline'], base]) {
    const code = await runBenchCli(argv, { store: e2e.platform.store, resultsDir, out: (l) => output.push(l), err: (l) => output.push(l), log: createLogger('error') });
    if (code !== 0) throw new Error(`rollcall bench ${argv.join(' ')} exited ${code}:\n${output.join('\n')}`);
  }
}
