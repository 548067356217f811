// The Card→Fraud incident, replayed against the real brokers and the real engine: steady traffic, then the
// card service silently stops publishing one card network (~20% of traffic), then it recovers. A ratio rule
// and a completeness rule must each fire within two evaluations after their window closes, and a local HTTP
// receiver standing in for Slack must get exactly one firing and one resolved message per rule. The pilots run
// as their own process (their demo entry point) and take the fault through their control endpoint.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  logField,
  rabbitUrl,
  startChildApp,
  tempDir,
  uniqueName,
  waitUntil,
  type ChildApp,
} from '@rollcall/core/testing/brokers';
import { removeLeftovers } from '@rollcall/collector/testing/leftovers';
import type { Platform } from '../../src/platform.ts';
import { kafkaTarget, startTestPlatform, testKafka } from './platform.ts';
import { createReadyTopics } from '@rollcall/core/kafka-topics';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const name = uniqueName('rc-incident');
const dir = tempDir('rollcall-incident');
// The Card→Fraud pilot's own names (apps/pilots/src/card-fraud.ts) behind PILOT_NAME_PREFIX.
const names = {
  requests: `${name}.card.requests`,
  exchange: `${name}.cards`,
  queue: `${name}.fraud.card-authorizations`,
  scores: `${name}.fraud.scores`,
};
/** 8 authorizations a second times PILOT_RATE. */
const PILOT_RATE = 5;
const EVERY_MS = 5000;

interface Received {
  at: number;
  body: { text?: string; blocks?: unknown[] };
}

describe('the Card→Fraud incident', () => {
  let platform: Platform;
  let pilots: ChildApp<string>;
  let receiver: Server;
  const received: Received[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ at: Date.now(), body: JSON.parse(body) as Received['body'] });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const address = receiver.address();
    const port = typeof address === 'object' && address ? address.port : 0;

    const admin = testKafka('incident-test').admin();
    await admin.connect();
    await createReadyTopics(
      admin,
      [names.requests, names.scores].map((topic) => ({ topic, numPartitions: 1 })),
    );
    await admin.disconnect();

    const rulesDir = join(dir, 'rules.d');
    mkdirSync(rulesDir, { recursive: true });
    const common = `window: 10s\n    every: 5s\n    delay: 3s\n    notify: [slack-payments]`;
    writeFileSync(
      join(rulesDir, 'cards.yaml'),
      `rules:
  - id: cards-published-per-request
    description: Every accepted card authorization is published to RabbitMQ
    severity: critical
    type: ratio
    a: { broker: kafka, stream: ${names.requests} }
    b: { broker: rabbitmq, stream: ${names.exchange} }
    lo: 0.9
    hi: 1.1
    min_count: 20
    ${common}
  - id: every-request-scored
    description: Every accepted authorization gets a fraud score
    severity: critical
    type: completeness
    a: { broker: kafka, stream: ${names.requests} }
    b: { broker: kafka, stream: ${names.scores} }
    within: 5s
    max_missing: 5
    ${common}
`,
    );
    platform = await startTestPlatform({
      name,
      dir,
      yaml: `alerting:\n  routes:\n    - name: slack-payments\n      type: slack\n      url_env: INCIDENT_SLACK_URL\n      repeat_interval: 1h\n`,
      file: join(dir, 'rollcall.yaml'),
      env: {
        INCIDENT_SLACK_URL: `http://127.0.0.1:${port}/services/T000/B000/secret`,
        ROLLCALL_RULES_DIR: rulesDir,
        ROLLCALL_RULES_RELOAD: '500ms',
      },
    });
    pilots = await startChildApp(['--import', 'tsx', 'apps/pilots/src/main.ts'], {
      cwd: ROOT,
      env: {
        PILOTS: 'card-fraud',
        PILOT_NAME_PREFIX: `${name}.`,
        PILOT_RATE: String(PILOT_RATE),
        PILOT_CONTROL_PORT: '0',
        ROLLCALL_KAFKA_BROKERS: kafkaTarget.brokers.join(','),
        ROLLCALL_RABBITMQ_URL: rabbitUrl(),
      },
      ready: logField('pilot control endpoint listening', 'url'),
      what: 'the Card→Fraud pilot',
    });
  });

  afterAll(async () => {
    await pilots?.stop();
    await platform?.stop();
    receiver?.close();
    await removeLeftovers({
      rabbitUrl: rabbitUrl(),
      tapQueue: `${name}.tap`,
      queues: [names.queue],
      exchanges: [names.exchange],
      kafkaBrokers: kafkaTarget.brokers,
      topics: [names.requests, names.scores],
    });
  });

  /** The card network fault, through the pilots' control endpoint. */
  const setFaults = async (faults: Record<string, unknown> | undefined) => {
    const res = await fetch(
      `${pilots.ready}/pilots/card-fraud/faults`,
      faults
        ? { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) }
        : { method: 'DELETE' },
    );
    expect(res.status, await res.text()).toBe(200);
  };

  const messagesFor = (rule: string, status: 'FIRING' | 'RESOLVED') =>
    received.filter(
      (r) => JSON.stringify(r.body).includes(rule) && JSON.stringify(r.body).toUpperCase().includes(status),
    );

  it(
    'catches the missing network within two evaluations, once per rule, and resolves once',
    { timeout: 240_000 },
    async () => {
      // steady traffic long enough for several clean windows: no alert may fire
      await new Promise((r) => setTimeout(r, 25_000));
      expect(received).toEqual([]);

      await setFaults({ CardAuthorized: { drop: 1, when: { network: 'visa' } } });
      const faultAt = Date.now();
      const rules = ['cards-published-per-request', 'every-request-scored'];
      await waitUntil(
        async () => rules.every((r) => messagesFor(r, 'FIRING').length > 0),
        (ok) => ok,
        90_000,
        'both rules to fire',
      );
      for (const rule of rules) {
        const [firing] = messagesFor(rule, 'FIRING');
        // The first window wholly inside the fault closes by faultAt + window (+ within for completeness); then
        // delay; then at most two evaluation intervals. One more second for the outbox poll.
        const windowClosed = faultAt + 10_000 + (rule === 'every-request-scored' ? 5000 : 0) + EVERY_MS;
        console.info(`${rule}: notified ${((firing?.at ?? 0) - faultAt) / 1000}s after the fault began`);
        expect(firing?.at ?? Infinity).toBeLessThanOrEqual(windowClosed + 3000 + 2 * EVERY_MS + 1000);
      }

      // The completeness rule's page names requests that were never scored, each first seen on card.requests.
      const detail = (await (await fetch(`${platform.url}/api/v1/rules/every-request-scored?range=15m`)).json()) as {
        missing_keys: { key: string; first_seen: string | null }[];
      };
      expect(detail.missing_keys.length).toBeGreaterThan(0);
      expect(
        detail.missing_keys.every((k) => k.first_seen !== null && Date.parse(k.first_seen) >= faultAt - 60_000),
      ).toBe(true);

      // Still firing, unbroken, right up to the end of the fault: no window while it lasts may resolve it.
      await new Promise((r) => setTimeout(r, 3 * EVERY_MS));
      for (const rule of rules)
        expect([messagesFor(rule, 'FIRING').length, messagesFor(rule, 'RESOLVED').length]).toEqual([1, 0]);
      await setFaults(undefined);
      await waitUntil(
        async () => rules.every((r) => messagesFor(r, 'RESOLVED').length > 0),
        (ok) => ok,
        90_000,
        'both rules to resolve',
      );
      await new Promise((r) => setTimeout(r, 3 * EVERY_MS)); // a second message would show up here
      for (const rule of rules) {
        expect(messagesFor(rule, 'FIRING')).toHaveLength(1);
        expect(messagesFor(rule, 'RESOLVED')).toHaveLength(1);
      }
      expect(received).toHaveLength(4);
    },
  );
});
