// One API over a real embedded store with seeded events, a real rules role and three callers (none, viewer, admin).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { parseConfig } from '@rollcall/core/config';
import type { EventRow, SchemaRow } from '@rollcall/core/event';
import { createLogger } from '@rollcall/core/log';
import { chTime, openStore, type Store } from '@rollcall/core/store';
import { tempDir } from '@rollcall/core/testing/brokers';
import { eventRow } from '@rollcall/core/testing/event-row';
import { createAlerting, type Alerting } from '@rollcall/rules/rules-role';
import { createApp } from '../../src/app.ts';
import { sha256Hex } from '../../src/auth.ts';
import { createMetrics, type Metrics } from '../../src/metrics.ts';

export const VIEWER = 'viewer-token-for-tests';
export const ADMIN = 'admin-token-for-tests';
export const NOW = Date.now();
export const SEEDED = { orders: 120, payments: 30 };

export const RULES = `rules:
  # fires at once: far fewer orders than the floor
  - id: orders-floor
    type: volume
    description: orders keep flowing
    severity: critical
    labels: { team: shop }
    match: { broker: kafka, stream: orders }
    window: 10m
    every: 1m
    delay: 0s
    min: 100000
  - id: payments-quiet
    type: volume
    match: { broker: kafka, stream: payments }
    window: 10m
    every: 1m
    delay: 0s
    min: 1
`;

export const row = (i: number, over: Partial<EventRow> = {}): EventRow =>
  eventRow(NOW - 5 * 60_000 + i * 1000, {
    broker_ts: NOW - 5 * 60_000 + i * 1000 - 3,
    offset: i,
    event_type: i % 3 === 0 ? 'OrderCancelled' : 'OrderPlaced',
    message_id: `m${i}`,
    correlation_id: `c${i}`,
    key_hash: i,
    size: 200,
    header_count: 2,
    schema_fingerprint: i % 3 === 0 ? 22 : 11,
    ...over,
  });

export interface Fixture {
  store: Store;
  alerting: Alerting;
  metrics: Metrics;
  request(
    path: string,
    init?: {
      token?: string;
      method?: string;
      body?: unknown;
      headers?: Record<string, string>;
      /** aborts the request, as a client that goes away does */
      signal?: AbortSignal;
    },
  ): Promise<Response>;
  close(): Promise<void>;
}

const TOKENS = [
  '  tokens:',
  `    - { name: dashboard, role: viewer, sha256: ${sha256Hex(VIEWER)} }`,
  `    - { name: oncall, role: admin, sha256: ${sha256Hex(ADMIN)} }`,
];

/** `tokens: false` runs the API in no-token mode (every local caller an admin). */
export async function createFixture({ tokens = true }: { tokens?: boolean } = {}): Promise<Fixture> {
  const dir = tempDir('rollcall-api');
  const rulesDir = join(dir, 'rules.d');
  mkdirSync(rulesDir);
  writeFileSync(join(rulesDir, 'shop.yaml'), RULES);
  const config = parseConfig(
    ['api:', ...(tokens ? TOKENS : []), '  max_body_bytes: 4096', 'metrics:', '  top_streams: 1'].join('\n'),
    'test.yaml',
    { ROLLCALL_DATA_DIR: join(dir, 'data'), ROLLCALL_RULES_DIR: rulesDir },
  );
  const store = await openStore(config.clickhouse);
  const orders = Array.from({ length: SEEDED.orders }, (_, i) => row(i));
  const payments = Array.from({ length: SEEDED.payments }, (_, i) =>
    row(i, { stream: 'payments', event_type: 'PaymentTaken', source: 'pay', message_id: `p${i}` }),
  );
  // A week earlier payments ran at half today's rate: the streams list compares against it.
  const weekAgo = Array.from({ length: SEEDED.payments / 2 }, (_, i) =>
    row(i, {
      stream: 'payments',
      event_type: 'PaymentTaken',
      source: 'pay',
      message_id: `w${i}`,
      observed_at: NOW - 7 * 86_400_000 - 5 * 60_000 + i * 1000,
    }),
  );
  await store.insertEvents([...orders, ...payments, ...weekAgo], 'seed', 1);
  const schemas: SchemaRow[] = [
    {
      fingerprint: 11,
      broker: 'kafka',
      stream: 'orders',
      event_type: 'OrderPlaced',
      paths: ['/id', '/total'],
      first_seen: NOW - 300_000,
    },
    {
      fingerprint: 22,
      broker: 'kafka',
      stream: 'orders',
      event_type: 'OrderCancelled',
      paths: ['/id', '/reason'],
      first_seen: NOW - 300_000,
    },
  ];
  await store.insertSchemas(schemas);
  const log = createLogger('error');
  const metrics = createMetrics({ store, topStreams: config.metrics.top_streams });
  const alerting = createAlerting({
    config,
    store,
    log,
    dashboardUrl: 'http://rollcall.test',
    now: () => NOW,
    onEvaluated: metrics.ruleEvaluated,
  });
  alerting.files.reload();
  await alerting.engine.tick();
  metrics.setSources({ rules: () => alerting.engine.statuses(), backlog: () => [{ tap: 'kafka', rows: 7 }] });
  // One sampling round of lag, as the sampler writes it.
  await store.client.insert({
    table: `${store.db}.lag_status`,
    format: 'JSONEachRow',
    values: [
      {
        at: chTime(NOW - 5000),
        broker: 'kafka',
        cluster: 'local',
        group_name: 'billing',
        status: 'STOP',
        reason: 'no members; lag 42',
        lag: 42,
        lag_seconds: 31.5,
        consumers: 0,
        streams: ['orders'],
        state: 'Empty',
      },
    ],
  });
  await store.client.insert({
    table: `${store.db}.lag_samples`,
    format: 'JSONEachRow',
    values: [0, 1].map((partition) => ({
      at: chTime(NOW - 5000),
      broker: 'kafka',
      cluster: 'local',
      group_name: 'billing',
      stream: 'orders',
      partition,
      committed: 50,
      log_start: 0,
      log_end: 71,
      lag: 21,
      lag_seconds: 31.5,
      owner: '',
      unacked: 0,
      consumers: 0,
      publish_rate: 0,
      deliver_rate: 0,
      ack_rate: 0,
    })),
  });
  const app = createApp({ config, store, log, now: () => NOW, alerting, metrics });
  return {
    store,
    alerting,
    metrics,
    request: (path, { token, method = 'GET', body, headers = {}, signal } = {}) =>
      Promise.resolve(
        app.request(path, {
          method,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...headers,
          },
          ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
          ...(signal ? { signal } : {}),
        }),
      ),
    close: () => store.close(),
  };
}

/** The fixture for one test file: created (then `seed`ed) before the file's tests, closed after them. Reading it
 * before the tests start throws. */
export function useFixture(seed?: (f: Fixture) => Promise<void> | void): Fixture {
  let fixture: Fixture | undefined;
  const current = () => {
    if (!fixture) throw new Error('the fixture is created before the tests start');
    return fixture;
  };
  beforeAll(async () => {
    fixture = await createFixture();
    await seed?.(fixture);
  }, 60_000);
  afterAll(async () => {
    await fixture?.close();
  });
  return {
    get store() {
      return current().store;
    },
    get alerting() {
      return current().alerting;
    },
    get metrics() {
      return current().metrics;
    },
    request: (path, init) => current().request(path, init),
    close: () => current().close(),
  };
}
