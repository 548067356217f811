// The real server for the end-to-end tests: Rollcall (`rollcall start`, a child process) on a fresh embedded
// store with every role, tapping the real brokers, serving the built dashboard, with an admin and a viewer token,
// rules from a temp folder and the Card→Fraud pilot (the pilots' own process) producing real traffic under
// unique names, in a RabbitMQ vhost of its own (so its tap sees only its own traffic, whatever runs beside it). Both
// are other applications: they are run, never imported.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import {
  addTracedVhost,
  deleteVhost,
  kafkaTargets,
  logField,
  platformTestEnv,
  rabbitUrl,
  startChildApp,
  tempDir,
  uniqueName,
  waitUntil,
  type ChildApp,
} from '@rollcall/core/testing/brokers';
import { queueGroup } from '@rollcall/collector/lag/rabbitmq-queues';
import { removeLeftovers } from '@rollcall/collector/testing/leftovers';
import { WEB_DIST } from './paths.ts';
import { createReadyTopics } from '@rollcall/core/kafka-topics';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const execFileAsync = promisify(execFile);

/** Rule ids the tests look for. */
export const RULES = {
  /** The incident's ratio rule: fires only when the card service stops publishing a network. */
  ratio: 'cards-published-per-request',
  /** Fires at once under the pilot's traffic, so every page has an alert to show. */
  ceiling: 'requests-ceiling',
  /** Stays ok while traffic flows. */
  fresh: 'scores-fresh',
} as const;

/** The Card→Fraud pilot's broker names (apps/pilots/src/card-fraud.ts) behind PILOT_NAME_PREFIX. */
export interface CardFraudNames {
  requests: string;
  exchange: string;
  queue: string;
  scores: string;
}

export interface E2ePlatform {
  url: string;
  kafkaBrokers: string[];
  name: string;
  names: CardFraudNames;
  /** The pilot's queue as the Lag page names it: in a vhost of its own, `vhost/queue`. */
  queueGroup: string;
  tokens: { admin: string; viewer: string };
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
    for: 20s # long enough for the dashboard to show the alert pending before it fires
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

export interface E2eOptions {
  /** The server's port; 0 picks a free one. */
  port?: number;
  /** Two real benchmark runs stored before the server starts (see runBenchmarks). */
  benchmarks?: boolean;
}

export async function startE2ePlatform(
  prefix: string,
  { port = 0, benchmarks = false }: E2eOptions = {},
): Promise<E2ePlatform> {
  if (!existsSync(join(WEB_DIST, 'index.html')))
    throw new Error(`the dashboard is not built (${WEB_DIST}): run npm run build -w @rollcall/web first`);
  const name = uniqueName(prefix);
  const dir = tempDir(prefix);
  const kafkaTarget = kafkaTargets()[0] ?? { version: '4.1', brokers: ['127.0.0.1:9092'] };
  const names: CardFraudNames = {
    requests: `${name}.card.requests`,
    exchange: `${name}.cards`,
    queue: `${name}.fraud.card-authorizations`,
    scores: `${name}.fraud.scores`,
  };
  const tokens = {
    admin: `e2e-admin-${randomBytes(12).toString('hex')}`,
    viewer: `e2e-viewer-${randomBytes(12).toString('hex')}`,
  };

  const admin = new Kafka({ clientId: 'web-e2e', brokers: kafkaTarget.brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await createReadyTopics(
    admin,
    [names.requests, names.scores].map((topic) => ({ topic, numPartitions: 1 })),
  );
  await admin.disconnect();
  await addTracedVhost(name);
  const vhostUrl = `${rabbitUrl()}/${encodeURIComponent(name)}`;

  // The pilot and its control endpoint come first: the server proxies the demo's incident switch to it.
  const pilots = await startChildApp(['--import', 'tsx', 'apps/pilots/src/main.ts'], {
    cwd: ROOT,
    env: {
      PILOTS: 'card-fraud',
      PILOT_NAME_PREFIX: `${name}.`,
      PILOT_RATE: '2.5', // 20 authorizations a second
      PILOT_CONTROL_PORT: '0',
      ROLLCALL_KAFKA_BROKERS: kafkaTarget.brokers.join(','),
      ROLLCALL_RABBITMQ_URL: vhostUrl,
    },
    ready: logField('pilot control endpoint listening', 'url'),
    what: 'the Card→Fraud pilot',
  });

  const rulesDir = join(dir, 'rules.d');
  mkdirSync(rulesDir, { recursive: true });
  writeFileSync(join(rulesDir, 'e2e.yaml'), rulesYaml(names));
  const configFile = join(dir, 'rollcall.yaml');
  writeFileSync(
    configFile,
    `api:\n  tokens:\n    - { name: e2e-admin, role: admin, sha256: ${sha256(tokens.admin)} }\n    - { name: e2e-viewer, role: viewer, sha256: ${sha256(tokens.viewer)} }\n`,
  );
  const env = {
    ...platformTestEnv(name, dir, kafkaTarget),
    ROLLCALL_RABBITMQ_VHOSTS: name,
    ROLLCALL_CONFIG: configFile,
    ROLLCALL_LOG_LEVEL: 'warn',
    ROLLCALL_API_PORT: String(port),
    ROLLCALL_API_WEB_DIR: WEB_DIST,
    ROLLCALL_API_PILOTS_URL: pilots.ready,
    ROLLCALL_RULES_DIR: rulesDir,
    ROLLCALL_RULES_RELOAD: '500ms',
  };
  let server: ChildApp<string>;
  try {
    if (benchmarks) await runBenchmarks(name, kafkaTarget.brokers, env);
    server = await startChildApp(['apps/api/bin/rollcall.js', 'start'], {
      cwd: ROOT,
      env,
      ready: (line) => /^Rollcall is running: (\S+)/.exec(line)?.[1],
      what: 'rollcall start',
    });
  } catch (err) {
    await pilots.stop();
    await deleteVhost(name);
    throw err;
  }
  const url = server.ready;
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${tokens.admin}` } });
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  await waitUntil(
    () => fetch(`${url}/readyz`).then((r) => r.status),
    (s) => s === 200,
    60_000,
    'rollcall to be ready',
  );

  return {
    url,
    kafkaBrokers: kafkaTarget.brokers,
    name,
    names,
    queueGroup: queueGroup(name, names.queue),
    tokens,
    get,
    async stop() {
      await pilots.stop();
      await server.stop();
      await deleteVhost(name); // and with it the tap's queues and the pilot's
      await removeLeftovers({
        kafkaBrokers: kafkaTarget.brokers,
        topics: [names.requests, names.scores],
        groups: [`${name}-tap`],
      });
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
 * Two real benchmark runs of one scenario against Kafka (`rollcall bench`, a child process each), stored in the
 * server's store before the server opens it (chDB lets one process open a data path): the first is the
 * scenario's baseline, the second is compared with it.
 */
async function runBenchmarks(name: string, kafkaBrokers: string[], env: Record<string, string>): Promise<void> {
  const resultsDir = tempDir('rollcall-web-bench');
  const base = [
    '--broker',
    'kafka',
    '--brokers',
    kafkaBrokers.join(','),
    '--size',
    '200',
    '--rate',
    '400',
    '--duration',
    '3s',
    '--drain',
    '5s',
    '--partitions',
    '1',
    '--scenario',
    `${name}-bench`,
    '--results',
    resultsDir,
  ];
  for (const argv of [[...base, '--baseline'], base]) {
    try {
      await execFileAsync(process.execPath, ['apps/api/bin/rollcall.js', 'bench', ...argv], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? ROOT, ...env },
        maxBuffer: 16 << 20,
      });
    } catch (err) {
      const { code, stdout, stderr } = err as { code?: number; stdout?: string; stderr?: string };
      throw new Error(`rollcall bench ${argv.join(' ')} exited ${code}:\n${stdout ?? ''}${stderr ?? ''}`);
    }
  }
}
