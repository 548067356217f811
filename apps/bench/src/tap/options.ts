// Benchmark settings from CLI flags, falling back to BENCH_TAP_* env vars, then defaults. Validated once here.
import { parseArgs } from 'node:util';

/** `collector` is the tap at the rows audit level; `keys` and `counts` the same tap at those levels. `decoder` is
 * the baseline's bare consumer with the tap's record decoder instead of kafkajs's. */
export const PHASES = ['baseline', 'decoder', 'store', 'collector', 'keys', 'counts'] as const;
export type Phase = (typeof PHASES)[number];

export interface TapBenchOptions {
  messages: number;
  size: number;
  partitions: number;
  brokers: string[];
  phases: Phase[];
  /** One noisy neighbour skews a single run: run the phases this many times, alternating, and use the medians.
   * "store" is kafkajs into the embedded store without the tap's own work (see tap/store-only.ts). */
  runs: number;
  /** Per phase; a phase that has not seen every message by then is reported as incomplete. */
  timeoutMs: number;
  /** Produce the topic again even when it already holds the wanted records (to re-measure produce msg/s). */
  refill: boolean;
  /** Also measure extraction and store-insert cost per message, outside the timed runs. */
  stageCosts: boolean;
  resultsDir?: string;
}

export const USAGE = `usage: tap [--messages N] [--size BYTES] [--partitions P] [--brokers host:port,...]
           [--phases baseline,decoder,store,collector,keys,counts] [--runs N] [--timeout SECONDS] [--refill] [--no-stage-costs] [--results DIR]
env: BENCH_TAP_MESSAGES, BENCH_TAP_SIZE, BENCH_TAP_PARTITIONS, BENCH_TAP_BROKERS, BENCH_TAP_PHASES,
     BENCH_TAP_RUNS, BENCH_TAP_TIMEOUT, BENCH_TAP_RESULTS; KAFKA_VERSION is recorded with the results`;

export class OptionsError extends Error {
  override name = 'OptionsError';
}

function positiveInt(name: string, raw: string, min: number): number {
  const value = Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(value) || value < min)
    throw new OptionsError(`${name}: expected an integer >= ${min}, got "${raw}"`);
  return value;
}

function list(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): TapBenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      messages: { type: 'string', short: 'n' },
      size: { type: 'string' },
      partitions: { type: 'string', short: 'p' },
      brokers: { type: 'string' },
      phases: { type: 'string' },
      runs: { type: 'string' },
      timeout: { type: 'string' },
      refill: { type: 'boolean' },
      'no-stage-costs': { type: 'boolean' },
      results: { type: 'string' },
    },
  });
  const brokers = list(values.brokers ?? env.BENCH_TAP_BROKERS ?? '127.0.0.1:9092');
  for (const b of brokers)
    if (!/^[^\s:]+:\d{1,5}$/.test(b)) throw new OptionsError(`brokers: expected host:port, got "${b}"`);
  if (brokers.length === 0) throw new OptionsError('brokers: at least one host:port is required');
  const phases = list(values.phases ?? env.BENCH_TAP_PHASES ?? PHASES.join(','));
  for (const p of phases)
    if (!(PHASES as readonly string[]).includes(p))
      throw new OptionsError(`phases: expected some of ${PHASES.join(', ')}, got "${p}"`);
  const resultsDir = values.results ?? env.BENCH_TAP_RESULTS;
  return {
    messages: positiveInt('messages', values.messages ?? env.BENCH_TAP_MESSAGES ?? '1000000', 1),
    // Below ~120 B the JSON body cannot hold its fields; it is then simply as small as it gets.
    size: positiveInt('size', values.size ?? env.BENCH_TAP_SIZE ?? '200', 1),
    partitions: positiveInt('partitions', values.partitions ?? env.BENCH_TAP_PARTITIONS ?? '3', 1),
    brokers,
    phases: phases as Phase[],
    runs: positiveInt('runs', values.runs ?? env.BENCH_TAP_RUNS ?? '3', 1),
    timeoutMs: positiveInt('timeout', values.timeout ?? env.BENCH_TAP_TIMEOUT ?? '240', 1) * 1000,
    refill: !!values.refill,
    stageCosts: !values['no-stage-costs'],
    ...(resultsDir ? { resultsDir } : {}),
  };
}
