// What every pilot is to the rest of the demo: its services and event types, its traffic switchboard, the broker
// names it uses (so tests and the control endpoint can list and clean them), and a way to stop.
import type { Logger } from '@rollcall/core/log';
import type { Traffic } from './traffic.ts';

export interface PilotResources {
  kafkaTopics: string[];
  kafkaGroups: string[];
  exchanges: string[];
  queues: string[];
}

export interface Pilot {
  name: string;
  /** Each service's CloudEvents source, the same whether it publishes or consumes. */
  services: string[];
  eventTypes: readonly string[];
  traffic: Traffic;
  resources: PilotResources;
  stop(): Promise<void>;
}

export interface PilotOptions<Names> {
  kafkaBrokers: string[];
  /** The pilot's base rate: card authorizations, hires, pay requests or orders per second. */
  ratePerSecond?: number;
  log: Logger;
  /** Overrides for topic, exchange, queue and consumer-group names (tests use unique ones). */
  names?: Partial<Names>;
  random?: () => number;
}

/** Every name with a prefix: unique broker names for one test run. */
export function prefixNames<Names extends Record<string, string>>(names: Names, prefix: string): Names {
  return Object.fromEntries(Object.entries(names).map(([key, value]) => [key, `${prefix}${value}`])) as Names;
}
