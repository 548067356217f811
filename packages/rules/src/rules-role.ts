// The rules role as one unit: rule files, the engine and the notification outbox, built from config.
import { keepingOf } from '@rollcall/core/audit';
import { resolve } from 'node:path';
import type { Config } from '@rollcall/core/config/schema';
import type { Broker } from '@rollcall/core/event';
import type { Logger } from '@rollcall/core/log';
import type { Store } from '@rollcall/core/store';
import { createRuleEngine, type EngineDeps, type RuleEngine } from './evaluation/engine.ts';
import { createRuleFiles, type RuleFiles } from './model/files.ts';
import { deliver } from './notify/deliver.ts';
import { createOutbox, type Outbox, type OutboxRoute } from './alerts/outbox.ts';

export interface Alerting {
  files: RuleFiles;
  engine: RuleEngine;
  outbox: Outbox;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function outboxRoutes(config: Config): OutboxRoute[] {
  return config.alerting.routes.map((r) => ({
    name: r.name,
    type: r.type,
    url: r.url ?? '',
    ...(r.secret !== undefined ? { secret: r.secret } : {}),
    headers: r.headers,
    timeoutMs: r.timeout,
    // Alertmanager resolves an alert it has not heard about for resolve_timeout (5m by default); a firing
    // alert is re-posted every minute, as Prometheus does, and Alertmanager deduplicates.
    repeatIntervalMs: r.type === 'alertmanager' ? Math.min(r.repeat_interval, 60_000) : r.repeat_interval,
  }));
}

export const tappedBrokers = (config: Config): Broker[] => [
  ...(config.kafka.enabled ? (['kafka'] as const) : []),
  ...(config.rabbitmq.enabled ? (['rabbitmq'] as const) : []),
];

export interface AlertingDeps {
  config: Config;
  store: Store;
  log: Logger;
  dashboardUrl: string;
  now?: () => number;
  onEvaluated?: EngineDeps['onEvaluated'];
  tapHealth?: EngineDeps['tapHealth'];
}

export function createAlerting({
  config,
  store,
  log,
  dashboardUrl,
  now,
  onEvaluated,
  tapHealth,
}: AlertingDeps): Alerting {
  const rulesLog = log.child({ role: 'rules' });
  const files = createRuleFiles({
    dir: resolve(config.rules.dir),
    log: rulesLog,
    pollMs: config.rules.reload,
    audit: keepingOf(config),
  });
  const engine = createRuleEngine({
    store,
    log: rulesLog,
    files,
    configRoutes: config.alerting.config_routes,
    ...(now ? { now } : {}),
    ...(onEvaluated ? { onEvaluated } : {}),
    ...(tapHealth ? { tapHealth, coverage: true, tapped: tappedBrokers(config) } : {}),
  });
  const outbox = createOutbox({
    store,
    log: rulesLog,
    routes: outboxRoutes(config),
    dashboardUrl: config.alerting.dashboard_url ?? dashboardUrl,
    deliver,
    ...(now ? { now } : {}),
  });
  return {
    files,
    engine,
    outbox,
    async start() {
      await engine.start();
      outbox.start();
    },
    async stop() {
      await engine.stop();
      await outbox.stop();
    },
  };
}
