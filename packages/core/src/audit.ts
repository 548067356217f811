// Audit levels: how much the taps keep per message of a stream. `rows` is the full metadata row; `keys` a narrow
// row (where and when, event type, source, message and correlation ids, key hash, size), enough for completeness
// and duplicate rules; `counts` no row at all, only exact counts per minute × kind × event type × source
// (event_counts), enough for volume, baseline, ratio and freshness rules over whole minutes.
import { AUDIT_LEVELS, type AuditLevel } from '@rollcall/contract/audit';
import type { AuditConfig, Config } from './config/schema.ts';
import type { Broker } from './event.ts';

export { AUDIT_LEVELS, type AuditLevel };

/** Whether a stream audited at `level` keeps what `needed` asks for: levels run from the most kept to the least,
 * so a rule that needs `keys` runs on `rows` and `keys` streams. */
export const keeps = (level: AuditLevel, needed: AuditLevel): boolean =>
  AUDIT_LEVELS.indexOf(level) <= AUDIT_LEVELS.indexOf(needed);

export type AuditLevelOf = (broker: Broker, stream: string) => AuditLevel;

/** The level of each stream, by the first `audit.streams` entry that matches it, else `audit.default`. Looked up
 * for every fetched batch, so answers are remembered per stream. */
export function auditLevels(audit: AuditConfig): AuditLevelOf {
  const entries = audit.streams.map((e) => ({ ...e, pattern: new RegExp(e.match) }));
  const known = new Map<string, AuditLevel>();
  return (broker, stream) => {
    const key = `${broker}\0${stream}`;
    let level = known.get(key);
    if (level === undefined) {
      level = entries.find((e) => (e.broker ?? broker) === broker && e.pattern.test(stream))?.level ?? audit.default;
      if (known.size > 100_000) known.clear();
      known.set(key, level);
    }
    return level;
  };
}

/** What a tap actually keeps: the RabbitMQ tap keeps `counts` as `keys`, because recognising a message redelivered
 * after a crash needs its stored row (rabbitmq/stored-batches.ts). */
export const keptLevel = (broker: Broker, level: AuditLevel): AuditLevel =>
  broker === 'rabbitmq' && level === 'counts' ? 'keys' : level;

/** What the taps keep, as rules are checked against it: each stream's audit level, and whether RabbitMQ deliveries
 * are traced one by one (`all`) or only counted per queue (`publish`: rabbitmq/delivery-counter.ts). */
export interface Keeping extends AuditConfig {
  rabbitmq_trace: Config['rabbitmq']['trace'];
}

export const keepingOf = (config: Config): Keeping => ({ ...config.audit, rabbitmq_trace: config.rabbitmq.trace });
