// Apache Kafka's own clients for tests: ProducerPerformance and a transactional producer run from the jars that
// deploy/local/kafka caches, so the taps are tested on batches written by a producer nobody here wrote.
// Test-only; nothing in the product imports this module.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The cached jars of the newest Kafka release with this major.minor ("4.1" → ~/.cache/rollcall/kafka-4.1.2). */
export function kafkaJars(version: string, env: NodeJS.ProcessEnv = process.env): string {
  const root = join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'rollcall');
  const found = readdirSync(root)
    .filter((d) => /^kafka-\d+\.\d+\.\d+$/.test(d) && d.startsWith(`kafka-${version}.`))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const dir = found.at(-1);
  if (!dir)
    throw new Error(
      `no cached Kafka ${version} jars under ${root}: run deploy/local/kafka start with KAFKA_VERSION=${version}.x first`,
    );
  return join(root, dir);
}

export interface PerfRun {
  version: string;
  brokers: string[];
  topic: string;
  records: number;
  compression?: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
  transactionalId?: string;
  recordSize?: number;
}

/** Runs org.apache.kafka.tools.ProducerPerformance and returns the number of records it reports as sent. */
export async function producerPerformance(p: PerfRun): Promise<number> {
  const props = [
    `bootstrap.servers=${p.brokers.join(',')}`,
    `compression.type=${p.compression ?? 'none'}`,
    'acks=all',
    'linger.ms=5',
  ];
  const args = [
    '-cp',
    `${kafkaJars(p.version)}/*`,
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    p.topic,
    '--num-records',
    String(p.records),
    '--record-size',
    String(p.recordSize ?? 200),
    '--throughput',
    '-1',
    '--producer-props',
    ...props,
  ];
  if (p.transactionalId) args.push('--transactional-id', p.transactionalId, '--transaction-duration-ms', '200');
  const { stdout } = await run('java', args, { maxBuffer: 16 * 1024 * 1024 });
  const sent = /(\d+) records sent/.exec(stdout.split('\n').filter(Boolean).at(-1) ?? '');
  if (!sent?.[1]) throw new Error(`ProducerPerformance printed no total:\n${stdout}`);
  return Number(sent[1]);
}

/** Compiles and runs a Java source file against the Kafka client jars; returns its standard output. */
export async function runJava(version: string, source: string, outDir: string, args: string[]): Promise<string> {
  const classpath = `${kafkaJars(version)}/*`;
  await run('javac', ['-cp', classpath, '-d', outDir, source]);
  const main =
    source
      .split('/')
      .at(-1)
      ?.replace(/\.java$/, '') ?? '';
  const { stdout } = await run('java', ['-cp', `${outDir}:${classpath}`, main, ...args], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

/** The first log segment of a partition on a broker started by deploy/local/kafka (its data dir is named after
 * the version and port), for tests that must corrupt what the broker stored. */
export function localSegment(
  version: string,
  broker: string,
  topic: string,
  partition = 0,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const port = broker.split(':').at(-1) ?? '';
  const tmp = env.TMPDIR ?? '/tmp';
  const data = readdirSync(tmp).find((d) => d.startsWith(`rollcall-kafka-${version}.`) && d.endsWith(`-${port}`));
  if (!data) throw new Error(`no deploy/local/kafka data dir for Kafka ${version} on port ${port} under ${tmp}`);
  return join(tmp, data, 'kraft-logs', `${topic}-${partition}`, '00000000000000000000.log');
}
