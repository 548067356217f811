// The config of a RabbitMQ tap test: the embedded store in a directory of the test's own, Kafka off, the test
// broker, and a writer that flushes every 200 ms so a test waits for rows in fractions of a second.
import { parseConfig } from '@rollcall/core/config';
import type { Config } from '@rollcall/core/config/schema';
import { rabbitUrl } from '@rollcall/core/testing/brokers';

/** `rabbitmq` is the rest of the rabbitmq section after its url (`tap_queue: …, vhosts: [...]`). */
export function rabbitTapConfig(
  file: string,
  { dataDir, database, rabbitmq }: { dataDir: string; database: string; rabbitmq: string },
): Config {
  return parseConfig(
    `clickhouse: { data_dir: ${dataDir}, database: ${database} }
kafka: { enabled: false }
rabbitmq: { url: '${rabbitUrl()}', ${rabbitmq} }
writer: { flush_interval: 200ms }`,
    file,
  );
}
