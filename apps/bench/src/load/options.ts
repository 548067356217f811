// Flags of `rollcall bench` (a load run) validated once into typed options; every error names its flag.
import { parseArgs } from 'node:util';
import { DURATION_HINT, parseDuration } from '@rollcall/contract/duration';
import type { Acks, Broker, Thresholds, Tuning } from '@rollcall/contract/bench';
import { MAX_PRODUCERS, MIN_SIZE } from './message.ts';

export interface LoadOptions {
  broker: Broker;
  /** Kafka bootstrap servers. */
  brokers: string[];
  /** RabbitMQ AMQP URL, credentials included: never stored or printed as given. */
  url: string;
  managementUrl: string;
  producers: number;
  consumers: number;
  /** Body bytes per message. */
  size: number;
  /** Total msg/s over all producers; 0 sends as fast as the broker takes them. */
  rate: number;
  durationMs: number;
  /** After the producers stop, how long consumers may receive nothing before missing messages count as lost. */
  drainMs: number;
  acks: Acks;
  idempotent: boolean;
  confirms: boolean;
  persistent: boolean;
  partitions: number;
  queues: number;
  tuning: Tuning;
  /** As given by --broker-version; detected from the broker when absent. */
  brokerVersion?: string;
}

export const DEFAULT_THRESHOLDS: Thresholds = { maxDrop: 0.1, maxP99Rise: 0.2 };

export interface RunOptions {
  load: LoadOptions;
  /** --scenario NAME: a label that also separates baselines. */
  label: string;
  baseline: boolean;
  thresholds: Thresholds;
  failOnRegression: boolean;
  /** A directory (embedded store) or an http(s) URL (ClickHouse server); the config's store when absent. */
  store?: string;
  config?: string;
  resultsDir?: string;
  json: boolean;
}

/** Where the broker connections default from (rollcall.yaml). */
export interface ConnectionDefaults {
  kafkaBrokers: string[];
  rabbitUrl: string;
  managementUrl: string;
}

export class OptionsError extends Error {
  override name = 'OptionsError';
}

const LOAD_FLAGS = {
  broker: { type: 'string' },
  brokers: { type: 'string' },
  url: { type: 'string' },
  'management-url': { type: 'string' },
  producers: { type: 'string' },
  consumers: { type: 'string' },
  size: { type: 'string' },
  rate: { type: 'string' },
  duration: { type: 'string' },
  drain: { type: 'string' },
  acks: { type: 'string' },
  idempotent: { type: 'boolean' },
  confirms: { type: 'boolean' },
  persistent: { type: 'boolean' },
  partitions: { type: 'string' },
  queues: { type: 'string' },
  batch: { type: 'string' },
  'in-flight': { type: 'string' },
  prefetch: { type: 'string' },
  'broker-version': { type: 'string' },
} as const;

const RUN_FLAGS = {
  ...LOAD_FLAGS,
  scenario: { type: 'string' },
  baseline: { type: 'boolean' },
  'max-drop': { type: 'string' },
  'max-p99-rise': { type: 'string' },
  'fail-on-regression': { type: 'boolean' },
  store: { type: 'string' },
  config: { type: 'string' },
  results: { type: 'string' },
  json: { type: 'boolean' },
} as const;

type LoadFlags = Partial<Record<keyof typeof LOAD_FLAGS, string | boolean>>;

const KAFKA_ONLY = ['brokers', 'acks', 'idempotent', 'partitions'] as const;
const RABBIT_ONLY = ['url', 'management-url', 'confirms', 'persistent', 'queues', 'prefetch'] as const;

/** parseArgs with unknown flags and stray arguments reported as an OptionsError naming them. */
export function parseFlags<T extends Record<string, { type: 'string' | 'boolean' }>>(argv: string[], flags: T) {
  try {
    return parseArgs({ args: argv, options: flags, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new OptionsError((err as Error).message.split('. ')[0] ?? String(err));
  }
}

/** An integer flag in [min, max] (underscores allowed: 1_000_000), or `fallback` when absent. */
export function integer(
  flag: string,
  raw: string | boolean | undefined,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
  unit = '',
): number {
  if (raw === undefined) return fallback;
  const value = Number(String(raw).replaceAll('_', ''));
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    throw new OptionsError(`--${flag}: expected an integer ${range}${unit}, got "${String(raw)}"`);
  }
  return value;
}

function duration(flag: string, raw: string | boolean | undefined, fallback: number, minMs: number): number {
  if (raw === undefined) return fallback;
  const ms = typeof raw === 'string' ? parseDuration(raw) : undefined;
  if (ms === undefined || ms < minMs)
    throw new OptionsError(`--${flag}: expected ${DURATION_HINT} of at least ${minMs / 1000}s, got "${String(raw)}"`);
  return ms;
}

function percent(flag: string, raw: string | boolean | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(String(raw).replace(/%$/, ''));
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(value) || value < 0)
    throw new OptionsError(`--${flag}: expected a percentage such as 10 or 10%, got "${String(raw)}"`);
  return value / 100;
}

/** "0", "max" or a positive integer msg/s. */
function rate(raw: string | boolean | undefined): number {
  if (raw === undefined || raw === 'max') return 0;
  return integer('rate', raw, 0, 0, Number.MAX_SAFE_INTEGER, ' msg/s (or 0 / max for as fast as possible)');
}

export function parseLoadFlags(values: LoadFlags, defaults: ConnectionDefaults): LoadOptions {
  const broker = values.broker;
  if (broker !== 'kafka' && broker !== 'rabbitmq')
    throw new OptionsError(
      `--broker: expected kafka or rabbitmq, got ${broker === undefined ? 'nothing' : `"${String(broker)}"`}`,
    );
  const other = broker === 'kafka' ? RABBIT_ONLY : KAFKA_ONLY;
  for (const flag of other)
    if (values[flag] !== undefined)
      throw new OptionsError(
        `--${flag}: applies to ${broker === 'kafka' ? 'RabbitMQ' : 'Kafka'} only, not --broker ${broker}`,
      );

  const brokers =
    typeof values.brokers === 'string'
      ? values.brokers
          .split(',')
          .map((b) => b.trim())
          .filter(Boolean)
      : defaults.kafkaBrokers;
  const url = typeof values.url === 'string' ? values.url : defaults.rabbitUrl;
  const managementUrl =
    typeof values['management-url'] === 'string' ? values['management-url'] : defaults.managementUrl;
  if (broker === 'kafka') {
    for (const b of brokers)
      if (!/^[^\s:]+:\d{1,5}$/.test(b))
        throw new OptionsError(`--brokers: expected host:port[,host:port…], got "${b}"`);
    if (brokers.length === 0) throw new OptionsError('--brokers: expected at least one host:port');
  } else {
    if (!/^amqps?:\/\/[^\s]+$/.test(url))
      throw new OptionsError(`--url: expected an amqp:// or amqps:// URL, got "${redactUrl(url)}"`);
    if (!/^https?:\/\/[^\s]+$/.test(managementUrl))
      throw new OptionsError(`--management-url: expected an http:// or https:// URL, got "${managementUrl}"`);
  }

  const acks = values.acks ?? 'all';
  if (acks !== 'all' && acks !== '1' && acks !== '0' && acks !== '-1')
    throw new OptionsError(`--acks: expected all, 1 or 0, got "${String(acks)}"`);
  const idempotent = values.idempotent === true;
  if (idempotent && acks !== 'all' && acks !== '-1')
    throw new OptionsError(
      `--idempotent: needs --acks all (an idempotent producer waits for every in-sync replica), got --acks ${acks}`,
    );

  const tuning: Tuning = {};
  if (values.batch !== undefined) tuning.batch = integer('batch', values.batch, 1, 1, 100_000);
  if (values['in-flight'] !== undefined) tuning.inFlight = integer('in-flight', values['in-flight'], 1, 1, 1024);
  if (values.prefetch !== undefined) tuning.prefetch = integer('prefetch', values.prefetch, 1, 1, 65_535);

  const durationMs = duration('duration', values.duration, 10_000, 1000);
  return {
    broker,
    brokers,
    url,
    managementUrl,
    producers: integer('producers', values.producers, 1, 1, MAX_PRODUCERS - 1),
    consumers: integer('consumers', values.consumers, 1, 1, 1000),
    size: integer('size', values.size, 200, MIN_SIZE, 64 * 1024 * 1024, ' bytes'),
    rate: rate(values.rate),
    durationMs,
    drainMs: duration('drain', values.drain, 10_000, 0),
    acks: acks === '-1' ? 'all' : acks,
    idempotent,
    confirms: values.confirms === true,
    persistent: values.persistent === true,
    partitions: integer('partitions', values.partitions, 3, 1, 10_000),
    queues: integer('queues', values.queues, 1, 1, 1000),
    tuning,
    ...(typeof values['broker-version'] === 'string' ? { brokerVersion: values['broker-version'] } : {}),
  };
}

export function parseRunOptions(argv: string[], defaults: ConnectionDefaults): RunOptions {
  const values = parseFlags(argv, RUN_FLAGS);
  const label = typeof values.scenario === 'string' ? values.scenario.trim() : '';
  if (typeof values.scenario === 'string' && !/^[\w.:@/-]{1,100}$/.test(label))
    throw new OptionsError(`--scenario: expected up to 100 letters, digits or . _ - : @ /, got "${values.scenario}"`);
  return {
    load: parseLoadFlags(values, defaults),
    label,
    baseline: values.baseline === true,
    thresholds: {
      maxDrop: percent('max-drop', values['max-drop'], DEFAULT_THRESHOLDS.maxDrop),
      maxP99Rise: percent('max-p99-rise', values['max-p99-rise'], DEFAULT_THRESHOLDS.maxP99Rise),
    },
    failOnRegression: values['fail-on-regression'] === true,
    ...(typeof values.store === 'string' ? { store: values.store } : {}),
    ...(typeof values.config === 'string' ? { config: values.config } : {}),
    ...(typeof values.results === 'string' ? { resultsDir: values.results } : {}),
    json: values.json === true,
  };
}

export const LOAD_FLAG_SPEC = LOAD_FLAGS;

/** The URL without user and password, for anything stored, printed or logged. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//');
  }
}

/** Resolved tuning: what the run actually used, from the explicit flags or the broker's defaults. */
export function effectiveTuning(o: LoadOptions): Required<Tuning> {
  // kafkajs sends one record batch per partition per request and the broker refuses batches over 1 MiB; a
  // few hundred KiB per send keeps requests well under that and large enough to amortise the round trip.
  const autoBatch =
    o.broker === 'kafka'
      ? Math.max(1, Math.min(1000, Math.floor((256 * 1024) / (o.size + 70))))
      : Math.max(1, Math.min(100, Math.floor((1024 * 1024) / o.size)));
  const autoInFlight = o.broker === 'kafka' ? 4 : o.confirms ? 10 : 4;
  return {
    batch: o.tuning.batch ?? autoBatch,
    inFlight: o.tuning.inFlight ?? autoInFlight,
    prefetch: o.tuning.prefetch ?? 1000,
  };
}
