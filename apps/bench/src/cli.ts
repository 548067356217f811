// `rollcall bench …`: benchmarks of the messaging system itself. api/src/cli.ts hands `bench` here.
import { ConfigError } from '@rollcall/core/config';
import { createLogger } from '@rollcall/core/log';
import { DETECTION_USAGE, detectionCommand } from './detection/command.ts';
import { OptionsError } from './load/options.ts';
import { ManagementError } from './load/rabbit-management.ts';
import { BenchCliError, DEFAULT_RESULTS_DIR, type BenchCliDeps, type Context } from './commands/context.ts';
import { overheadCommand } from './commands/overhead.ts';
import { runCommand } from './commands/run.ts';
import { baselineCommand, listCommand, showCommand } from './commands/runs.ts';

export type { BenchCliDeps } from './commands/context.ts';

const BENCH_USAGE = `usage:
  rollcall bench [run] --broker kafka|rabbitmq [options]      run a load, store it, compare it with its baseline
      --producers 1 --consumers 1 --size 200 (bytes) --rate 0|max|N (msg/s over all producers) --duration 10s --drain 10s
      kafka:    --brokers host:port,… --acks all|1|0 --idempotent --partitions 3
      rabbitmq: --url amqp://… --management-url http://… --confirms --persistent --queues 1 --prefetch 1000
      tuning:   --batch N (messages per send) --in-flight N (sends in flight per producer) --broker-version V
      --scenario NAME --baseline (mark this run as its scenario's baseline) --max-drop 10% --max-p99-rise 20%
      --fail-on-regression --store DIR|URL --config FILE --results DIR --json
  rollcall bench list [--scenario KEY] [--broker B] [--limit 50] [--json]
  rollcall bench show ID|latest [--html FILE] [--md FILE] [--json]
  rollcall bench baseline ID                                  make ID its scenario's baseline
  rollcall bench overhead --broker rabbitmq [load options] [--timeout 120s]
                                                              throughput, CPU per message and what a Rollcall tap stored with
                                                              the firehose off / on (trace: all, trace: publish) / off again
  rollcall bench overhead --broker kafka [--messages 500000] [--size 200] [--partitions 3]
                                                              an application group's throughput without / with the Kafka tap
${DETECTION_USAGE}
Without --store, runs go to the configured store (clickhouse.url, or the embedded one at clickhouse.data_dir).`;

const COMMANDS = {
  run: runCommand,
  list: listCommand,
  show: showCommand,
  baseline: baselineCommand,
  overhead: overheadCommand,
  detection: detectionCommand,
} as const;

export async function runBenchCli(argv: string[], deps: BenchCliDeps = {}): Promise<number> {
  const ctx: Context = {
    env: deps.env ?? process.env,
    out: deps.out ?? ((line) => process.stdout.write(line + '\n')),
    err: deps.err ?? ((line) => process.stderr.write(line + '\n')),
    log: deps.log ?? createLogger('warn'),
    resultsDir: deps.resultsDir ?? DEFAULT_RESULTS_DIR,
    ...(deps.store ? { store: deps.store } : {}),
  };
  const [first] = argv;
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
    ctx.out(BENCH_USAGE);
    return first === undefined ? 2 : 0;
  }
  const named = first in COMMANDS ? (first as keyof typeof COMMANDS) : undefined;
  if (!named && !first.startsWith('-')) {
    ctx.err(`rollcall bench: unknown subcommand "${first}"\n${BENCH_USAGE}`);
    return 2;
  }
  try {
    return await COMMANDS[named ?? 'run'](named ? argv.slice(1) : argv, ctx);
  } catch (err) {
    if (err instanceof OptionsError) {
      ctx.err(`rollcall bench: ${err.message}\n${BENCH_USAGE}`);
      return 2;
    }
    if (err instanceof BenchCliError || err instanceof ConfigError || err instanceof ManagementError) {
      ctx.err(`rollcall bench: ${err.message}`);
      return 2;
    }
    ctx.err(`rollcall bench: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
