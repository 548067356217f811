// Every role in one process: the store, the Kafka and RabbitMQ taps and the HTTP API. With the embedded
// store this is the only way to run, since chDB binds its data path to one process.
import { Server as HttpServer } from 'node:http';
import { serve, type ServerType } from '@hono/node-server';
import type { Config } from '@rollcall/core/config/schema';
import type { Logger } from '@rollcall/core/log';
import { backoffDelay, sleep } from '@rollcall/core/retry';
import { openStore, type Store } from '@rollcall/core/store';
import { createKafkaTap } from '@rollcall/collector/kafka/tap';
import { createTapHealth, type TapCheck } from '@rollcall/core/tap-health';
import { createManagement } from '@rollcall/collector/rabbitmq/management';
import { createRabbitTap } from '@rollcall/collector/rabbitmq/firehose';
import { reconcileRollup } from '@rollcall/core/store/reconcile';
import { HEARTBEAT_MS, insertHeartbeats } from '@rollcall/core/store/coverage';
import { createAlerting, type Alerting } from '@rollcall/rules/rules-role';
import type { Hono } from 'hono';
import type { TapName, TapTelemetry } from '@rollcall/core/telemetry';
import { createApp } from './app.ts';
import { answerClientErrors } from './client-errors.ts';
import type { AuthEnv } from './auth.ts';
import { createMetrics } from './metrics.ts';
import { createLagSampler } from '@rollcall/collector/lag/sampler';
import { createDeliveryCounter } from '@rollcall/collector/rabbitmq/delivery-counter';
import type { Management } from '@rollcall/collector/rabbitmq/management';

const RECONCILE_LOOKBACK_MS = 6 * 3600_000;
const RECONCILE_EVERY_MS = 10 * 60_000;
const TOP_STREAMS_EVERY_MS = 60_000;

interface Role {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface Platform {
  store: Store;
  url: string;
  /** Stores what can be stored and stops every role; resolves false when that took longer than
   * `shutdown_timeout` (what was not stored then was never acked or committed, so the brokers keep it). */
  stop(): Promise<boolean>;
}

export async function startPlatform(config: Config, log: Logger): Promise<Platform> {
  const store = await openStore(config.clickhouse);
  log.info('store ready', {
    embedded: store.embedded,
    database: store.db,
    ...(store.embedded ? { data_dir: config.clickhouse.data_dir } : {}),
  });
  // Embedded, nothing else writes before our taps start, so every minute is settled; on a server other
  // collectors may be mid-insert, so the last two minutes are left for a later pass.
  const healRollup = async (settledBefore: number) => {
    const repaired = await reconcileRollup(store, { from: Date.now() - RECONCILE_LOOKBACK_MS, settledBefore });
    if (repaired > 0)
      log.warn('per-minute rollup was missing rows after an unclean stop; repaired', { rows: repaired });
  };
  await healRollup(store.embedded ? Date.now() + 60_000 : Date.now() - 120_000);
  const healing = store.embedded
    ? undefined
    : setInterval(
        () =>
          void healRollup(Date.now() - 120_000).catch((err: unknown) =>
            log.warn('rollup reconciliation failed', { err }),
          ),
        RECONCILE_EVERY_MS,
      );

  const metrics = createMetrics({ store, topStreams: config.metrics.top_streams });
  const refreshTop = () =>
    metrics.refreshTopStreams().catch((err: unknown) => log.warn('could not rank streams for /metrics', { err }));
  await refreshTop();
  const ranking = setInterval(() => void refreshTop(), TOP_STREAMS_EVERY_MS);

  const roles: Role[] = [];
  const taps: { tap: TapName; backlog(): number }[] = [];
  // Tap health names are `kafka` or `rabbitmq/<vhost>`; a stall needs rows waiting in that broker's tap.
  const backlogOf = (name: string) => taps.find((t) => name === t.tap || name.startsWith(`${t.tap}/`))?.backlog() ?? 0;
  const health = createTapHealth({
    backlog: backlogOf,
    onChange: (c) =>
      c.up
        ? log.info('tap is watching again', { tap: c.tap })
        : log.error('tap is not watching', { tap: c.tap, reason: c.reason }),
  });
  // A broker's own watermark where the tap's reported one is not the whole story (see beat below).
  const watermarks = new Map<TapName, (at: number, reported: number) => number>();
  // Every stored batch reaches the metrics and the tap's health through one telemetry.
  const telemetry: TapTelemetry = {
    ...metrics,
    stored(tap, rows, ms, counted) {
      metrics.stored(tap, rows, ms, counted);
      health.stored(tap);
    },
  };
  if (config.kafka.enabled) {
    const tap = createKafkaTap({ config, store, log, telemetry, health });
    taps.push({ tap: 'kafka', backlog: tap.backlog });
    // With no topic to read there is nothing it could miss.
    watermarks.set('kafka', (at, reported) => (tap.topics().length === 0 ? at : reported));
    roles.push({ name: 'kafka', ...tap });
  }
  const management = createManagement(config.rabbitmq.management_url, config.rabbitmq.url);
  // Tracing publishes only, deliveries are counted from the management API by the one process that samples lag
  // (two would each count them).
  const deliveries =
    config.rabbitmq.enabled && config.rabbitmq.trace === 'publish' && config.lag.enabled
      ? createDeliveryCounter({ config, store, log, management })
      : undefined;
  if (config.rabbitmq.enabled && config.rabbitmq.trace === 'publish' && !deliveries)
    log.info('rabbitmq.trace is publish: deliveries are counted by the process that samples lag, not this one');
  if (config.rabbitmq.enabled) {
    const tap = createRabbitTap({ config, store, log, management, telemetry, health });
    taps.push({ tap: 'rabbitmq', backlog: tap.backlog });
    // Deliveries counted later than publishes are stored hold the broker's watermark back to what is counted.
    watermarks.set('rabbitmq', () => Math.min(tap.watermark(), deliveries ? (deliveries.watermark() ?? 0) : Infinity));
    roles.push({ name: 'rabbitmq', ...tap });
  }

  // Heartbeats: when each tap was watching and its watermark, in the store, for the rules' coverage.
  const beat = () => {
    const at = Date.now();
    const beats = health.checks().map((c) => ({
      tap: c.tap,
      at,
      up: c.up,
      reason: c.reason,
      watermark: watermarks.get(c.tap.split('/')[0] as TapName)?.(at, c.watermark) ?? c.watermark,
    }));
    return insertHeartbeats(store, beats).catch((err: unknown) => log.warn('could not store tap heartbeats', { err }));
  };
  const heartbeats = setInterval(() => void beat(), HEARTBEAT_MS);

  // A broker that is down at start-up must not keep the rest from running: keep trying, report it in /readyz.
  const state = new Map<string, string>(roles.map((r) => [r.name, 'starting']));
  const stopping = new AbortController();
  const starting = roles.map(async (role) => {
    for (let attempt = 0; !stopping.signal.aborted; attempt++) {
      try {
        await role.start();
        state.set(role.name, 'ok');
        health.up(role.name);
        return;
      } catch (err) {
        const delay = backoffDelay(attempt, 30_000);
        state.set(role.name, `not connected: ${(err as Error).message}`);
        health.down(role.name, `not connected: ${(err as Error).message}`);
        log.warn(`${role.name} tap could not start; retrying`, { err, delay_ms: delay });
        await sleep(delay, stopping.signal);
      }
    }
  });

  // The server listens before the app exists: the rules role needs the API's own address (port 0 picks one)
  // for the links in its notifications, and the app needs the rules role.
  const serving: { app?: Hono<AuthEnv> } = {};
  const server = await listen(
    (req) => (serving.app ? serving.app.fetch(req) : new Response('starting', { status: 503 })),
    config.api.host,
    config.api.port,
  );
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.api.port;
  const url = `http://${config.api.host.includes(':') ? `[${config.api.host}]` : config.api.host}:${port}`;

  // Rules read the store only, so they start at once; taps that are still connecting just mean late data,
  // which each rule's `delay` already allows for.
  let alerting: Alerting | undefined;
  if (config.rules.enabled) {
    alerting = createAlerting({
      config,
      store,
      log,
      dashboardUrl: url,
      onEvaluated: metrics.ruleEvaluated,
      tapHealth: () => health.checks(),
    });
    await alerting.start();
  }
  const rules = alerting;
  // Lag is sampled from the brokers' admin APIs, not the taps, so it starts on its own and never throws for a
  // broker that is down (that group or queue reports ERR).
  const lag = config.lag.enabled ? createLagSampler({ config, store, log, management }) : undefined;
  await lag?.start();
  await deliveries?.start();
  metrics.setSources({
    backlog: () => taps.map((t) => ({ tap: t.tap, rows: t.backlog() })),
    taps: () => health.checks(),
    ...(rules ? { rules: () => rules.engine.statuses() } : {}),
    ...(lag ? { lag: () => lag.latest().groups } : {}),
  });
  serving.app = createApp({
    config,
    store,
    log,
    alerting,
    metrics,
    connectionNames: () => connectionNames(management),
    ready: () => readiness(state, health.checks()),
  });
  log.info('api listening', { url });

  return {
    store,
    url,
    async stop() {
      const timer = new AbortController();
      const deadline = sleep(config.shutdown_timeout, timer.signal).then(
        () => false,
        () => false,
      );
      const clean = await Promise.race([stopAll().then(() => true), deadline]);
      timer.abort();
      if (!clean)
        log.error(
          `shutdown took longer than shutdown_timeout (${config.shutdown_timeout} ms); exiting with work unfinished, none of it acknowledged`,
        );
      return clean;
    },
  };

  async function stopAll() {
    stopping.abort();
    clearInterval(heartbeats);
    if (healing) clearInterval(healing);
    clearInterval(ranking);
    await Promise.all(starting);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Idle keep-alive connections (an open dashboard) would otherwise hold close() until they time out.
    if ('closeIdleConnections' in server) server.closeIdleConnections();
    await closed;
    await alerting?.stop().catch((err: unknown) => log.error('rules did not stop cleanly', { err }));
    await lag?.stop().catch((err: unknown) => log.error('lag sampler did not stop cleanly', { err }));
    await deliveries?.stop().catch((err: unknown) => log.error('delivery counter did not stop cleanly', { err }));
    for (const role of roles)
      await role.stop().catch((err: unknown) => log.error(`${role.name} tap did not stop cleanly`, { err }));
    await store.close();
  }
}

/** Ready when every role started and every tap is watching; a tap that crashed, stalled or lost its firehose
 * makes the collector not ready, with the reason. */
function readiness(state: Map<string, string>, checks: TapCheck[]): { ok: boolean; checks: Record<string, string> } {
  const all: Record<string, string> = Object.fromEntries(state);
  for (const c of checks) if (all[c.tap] === undefined || all[c.tap] === 'ok') all[c.tap] = c.up ? 'ok' : c.reason;
  return { ok: Object.values(all).every((s) => s === 'ok'), checks: all };
}

/** Broker connection name → the name the client gave itself; the flow map names consumers by it. */
async function connectionNames(management: Management): Promise<Map<string, string>> {
  const found = await management.connections();
  return new Map(found.map((c) => [c.name, c.clientName || `${c.user}@${c.name.split(' ')[0] ?? c.name}`]));
}

function listen(
  fetch: (req: Request) => Response | Promise<Response>,
  hostname: string,
  port: number,
): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname, port }, () => resolve(server));
    // Requests Node refuses before the app sees them (a 100 KB URL) get a problem+json answer, not a bare 431.
    if (server instanceof HttpServer) answerClientErrors(server);
    server.once('error', reject);
  });
}
