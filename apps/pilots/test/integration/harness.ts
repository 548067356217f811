// What every pilot integration test stands on: the real brokers, Rollcall's real Kafka and RabbitMQ taps and an
// embedded store on a fresh directory, all scoped to one test's unique prefix, and the clean-up of everything
// a pilot created on the brokers.
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll } from 'vitest';
import { Connection } from 'rabbitmq-client';
import { parseConfig } from '@rollcall/core/config';
import type { Config } from '@rollcall/core/config/schema';
import { createLogger, silentLogger, type Logger } from '@rollcall/core/log';
import { openStore, type Store } from '@rollcall/core/store';
import { queryRows } from '@rollcall/core/store/queries';
import { kafkaTargets, rabbitUrl, tempDir, waitUntil } from '@rollcall/core/testing/brokers';
import { createKafkaTap } from '@rollcall/collector/kafka/tap';
import { createRabbitTap } from '@rollcall/collector/rabbitmq/firehose';
import { createManagement } from '@rollcall/collector/rabbitmq/management';
import { deleteTapQueues } from '@rollcall/collector/rabbitmq/tap-queues';
import type { FaultTable } from '@rollcall/pilots/faults';
import type { Pilot, PilotResources } from '@rollcall/pilots/pilot';
import { createReadyTopics } from '@rollcall/core/kafka-topics';

export const log: Logger = process.env.ROLLCALL_TEST_LOG ? createLogger('debug') : silentLogger;
export const kafkaBrokers = (kafkaTargets()[0] ?? { brokers: ['127.0.0.1:9092'] }).brokers;

export interface Harness {
  store: Store;
  config: Config;
  rows<T>(sql: string, params?: Record<string, unknown>): Promise<T[]>;
  /** Stops the taps and the store, then deletes the pilots' topics, groups, queues and exchanges. */
  stop(resources: PilotResources[]): Promise<void>;
}

export interface EventRow {
  stream: string;
  kind: string;
  queue: string;
  event_type: string;
  source: string;
  message_id: string;
  correlation_id: string;
  trace_id: string;
  broker_ts: number;
  schema_fingerprint: string;
}

export interface HarnessOptions {
  prefix: string;
  rabbit?: boolean;
  topics?: string[];
}

/** `topics` are created before the tap starts, so it reads them from its first poll rather than after a rebalance. */
export async function startHarness({ prefix, rabbit = false, topics = [] }: HarnessOptions): Promise<Harness> {
  const name = prefix.replace(/-[^-]+-[^-]+$/, '');
  const config = parseConfig(
    `clickhouse: { data_dir: ${tempDir(name)}, database: pilots }
kafka: { brokers: [${kafkaBrokers.join(',')}], group_id: ${prefix}-tap, include: ['^${prefix}\\.'], start: earliest, metadata_refresh: 1s, session_timeout: 10s }
rabbitmq: { enabled: ${rabbit}, url: '${rabbitUrl()}', tap_queue: ${prefix}.tap }
writer: { flush_interval: 200ms }
rules: { enabled: false }`,
    `${name}.yaml`,
  );
  if (topics.length) {
    const admin = new Kafka({ clientId: 'pilots-test', brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await createReadyTopics(
      admin,
      topics.map((topic) => ({ topic, numPartitions: 3 })),
    );
    await admin.disconnect();
  }
  const store = await openStore(config.clickhouse);
  const kafkaTap = createKafkaTap({ config, store, log });
  await kafkaTap.start();
  const rabbitTap = rabbit
    ? createRabbitTap({
        config,
        store,
        log,
        management: createManagement(config.rabbitmq.management_url, config.rabbitmq.url),
      })
    : undefined;
  await rabbitTap?.start();

  return {
    store,
    config,
    rows: (sql, params = {}) => queryRows(store, sql, params),
    async stop(resources) {
      await rabbitTap?.stop();
      await kafkaTap.stop();
      await store.close();
      const admin = new Kafka({ clientId: 'pilots-test', brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      const groups = [...resources.flatMap((r) => r.kafkaGroups), `${prefix}-tap`];
      await admin.deleteGroups(groups).catch((err: unknown) => log.warn('could not delete consumer groups', { err }));
      await admin
        .deleteTopics({ topics: [...new Set([...topics, ...resources.flatMap((r) => r.kafkaTopics)])] })
        .catch((err: unknown) => log.warn('could not delete topics', { err }));
      await admin.disconnect();
      if (!rabbit && resources.every((r) => r.queues.length === 0 && r.exchanges.length === 0)) return;
      const connection = new Connection(rabbitUrl());
      const ch = await connection.acquire();
      if (rabbit) await deleteTapQueues(ch, `${prefix}.tap`);
      for (const queue of resources.flatMap((r) => r.queues)) await ch.queueDelete({ queue });
      for (const exchange of resources.flatMap((r) => r.exchanges)) await ch.exchangeDelete({ exchange });
      await ch.close();
      await connection.close();
    },
  };
}

/** Every stored row of one correlation chain's streams, with the columns the pilot tests read. */
export function eventsIn(h: Harness, streams: string[]): Promise<EventRow[]> {
  return h
    .rows<EventRow>(
      `SELECT stream, kind, queue, event_type, source, message_id, correlation_id, trace_id, toUnixTimestamp64Milli(broker_ts) AS broker_ts, toString(schema_fingerprint) AS schema_fingerprint
     FROM ${h.store.db}.events WHERE stream IN {streams:Array(String)} ORDER BY observed_at`,
      { streams },
    )
    .then((rows) => rows.map((r) => ({ ...r, broker_ts: Number(r.broker_ts) })));
}

/** Counts per event type (publishes only), for quick progress checks. */
export async function countsByType(h: Harness, streams: string[]): Promise<Record<string, number>> {
  const rows = await h.rows<{ event_type: string; n: string | number }>(
    `SELECT event_type, count() AS n FROM ${h.store.db}.events WHERE stream IN {streams:Array(String)} AND kind = 'publish' GROUP BY event_type`,
    { streams },
  );
  return Object.fromEntries(rows.map((r) => [r.event_type, Number(r.n)]));
}

/**
 * Waits until the store holds at least what the pilot had published when called, per event type: the taps
 * store each stream at its own pace, so a chain read before this may look short of steps it has.
 */
export async function caughtUp(h: Harness, streams: string[], pilot: Pilot): Promise<void> {
  const published = Object.entries(pilot.traffic.counters()).map(([type, c]) => [type, c.published] as const);
  await waitUntil(
    () => countsByType(h, streams),
    (stored) => published.every(([type, n]) => (stored[type] ?? 0) >= n),
    20_000,
    `the store to catch up with ${JSON.stringify(Object.fromEntries(published))}`,
  );
}

export interface PilotUnderTest {
  readonly h: Harness;
  readonly pilot: Pilot;
}

/** Starts the harness and then the pilot before the file's tests, and stops both (cleaning up) after them. */
export function pilotUnderTest(options: HarnessOptions, start: () => Promise<Pilot>): PilotUnderTest {
  let h: Harness | undefined;
  let pilot: Pilot | undefined;
  beforeAll(async () => {
    h = await startHarness(options);
    pilot = await start();
  });
  afterAll(async () => {
    await pilot?.stop();
    await h?.stop(pilot ? [pilot.resources] : []);
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} has not started`);
    return value;
  };
  return {
    get h() {
      return started(h, 'the harness');
    },
    get pilot() {
      return started(pilot, 'the pilot');
    },
  };
}

/**
 * Waits until `enough` holds for the stored counts per type, then reads every row of `streams` once the chains
 * begun before that moment (`cut`) have had time to finish and the store has caught up with them.
 */
export async function settledRows(
  { h, pilot }: PilotUnderTest,
  streams: string[],
  enough: (counts: Record<string, number>) => boolean,
  what: string,
): Promise<{ rows: EventRow[]; cut: number }> {
  await waitUntil(() => countsByType(h, streams), enough, 30_000, what);
  const cut = Date.now(); // chains begun before now have had time to finish by the time the store is read
  await new Promise((r) => setTimeout(r, 3000));
  await caughtUp(h, streams, pilot);
  return { rows: await eventsIn(h, streams), cut };
}

/** Runs `faults` for `ms`, waits `settleMs` for the chains begun inside to finish and the store to catch up; returns the window. */
export async function faultWindow(
  { h, pilot }: PilotUnderTest,
  streams: string[],
  faults: FaultTable,
  ms: number,
  settleMs: number,
): Promise<{ from: number; to: number }> {
  const from = Date.now();
  pilot.traffic.setFaults(faults);
  await new Promise((r) => setTimeout(r, ms));
  pilot.traffic.setFaults({});
  const to = Date.now();
  await new Promise((r) => setTimeout(r, settleMs));
  await caughtUp(h, streams, pilot);
  return { from, to };
}
