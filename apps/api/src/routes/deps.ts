// What every route module is built from.
import type { Config } from '@rollcall/core/config/schema';
import type { Logger } from '@rollcall/core/log';
import type { Store } from '@rollcall/core/store';
import type { Alerting } from '@rollcall/rules/rules-role';
import type { Routes } from '../openapi.ts';

export interface RouteDeps {
  routes: Routes;
  store: Store;
  config: Config;
  log: Logger;
  now: () => number;
  /** Present when the rules role runs in this process. */
  alerting?: Alerting | undefined;
  /** RabbitMQ connection name → the name its client gave itself, for the flow map's consumers. */
  connectionNames: () => Promise<Map<string, string>>;
}
