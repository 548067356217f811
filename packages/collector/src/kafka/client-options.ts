// How every kafkajs client of the collector connects and logs: the tap, the first start and the lag sampler.
import { logLevel, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import type { Config } from '@rollcall/core/config/schema';
import type { Logger } from '@rollcall/core/log';

/** Connection options for kafkajs from config: brokers, TLS and SASL. */
export function kafkaClientOptions(cfg: Config['kafka']): KafkaConfig {
  const { sasl } = cfg;
  return {
    clientId: cfg.client_id,
    brokers: cfg.brokers,
    ssl: cfg.ssl,
    ...(sasl
      ? { sasl: { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } as SASLOptions }
      : {}),
  };
}

export function kafkaLogCreator(log: Logger) {
  return () => (entry: LogEntry) => {
    const { message, ...rest } = entry.log;
    const fields = { namespace: entry.namespace, ...rest };
    if (entry.level <= logLevel.ERROR) log.error(`kafkajs: ${message}`, fields);
    else if (entry.level === logLevel.WARN) log.warn(`kafkajs: ${message}`, fields);
  };
}
