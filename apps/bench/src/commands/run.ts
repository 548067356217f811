// `rollcall bench [run]`: run a load, store it with its parameters and environment, compare it with the
// scenario's baseline, and write its JSON summary to bench/results/runs/.
import { join } from 'node:path';
import type { Config } from '@rollcall/core/config/schema';
import type { Logger } from '@rollcall/core/log';
import { kafkaClientOptions } from '@rollcall/collector/kafka/client-options';
import { hostAfter, hostBefore } from '../load/host.ts';
import { kafkaTarget } from '../load/kafka.ts';
import { parseRunOptions, redactUrl, type LoadOptions } from '../load/options.ts';
import { rabbitTarget } from '../load/rabbitmq.ts';
import { runLoad } from '../load/run.ts';
import type { LoadTarget } from '../load/target.ts';
import type { BenchRun } from '@rollcall/contract/bench';
import { statusOf } from '@rollcall/bench-runs/status';
import { writeResultFile } from '../runs/results-file.ts';
import { recordParams, scenarioKey } from '../runs/scenario.ts';
import { compareWithBaseline, markBaseline, newRunId, saveRun } from '@rollcall/bench-runs/store';
import { int } from '@rollcall/bench-runs/format';
import { configFor, connectionDefaults, storeConfig, withStore, type Context } from './context.ts';
import { summaryLines } from './summary.ts';

export function createTarget(o: LoadOptions, runId: string, config: Config, log: Logger): LoadTarget {
  if (o.broker === 'kafka') {
    // TLS and SASL come from the config; the brokers from --brokers (kafkaTarget sets them).
    return kafkaTarget(o, runId, { client: kafkaClientOptions(config.kafka), log });
  }
  return rabbitTarget(o, runId, { log });
}

/** The command line as recorded with the run: URLs lose their credentials. */
export function commandLine(argv: string[]): string {
  return [
    'rollcall bench',
    ...argv.map((a) =>
      /^[a-z]+:\/\//i.test(a) || /^--[a-z-]+=[a-z]+:\/\//i.test(a)
        ? a.replace(/[a-z]+:\/\/\S+/i, (u) => redactUrl(u))
        : a,
    ),
  ].join(' ');
}

export async function runCommand(argv: string[], ctx: Context): Promise<number> {
  const config = configFor(argv, ctx.env);
  const opts = parseRunOptions(argv, connectionDefaults(config));
  const resultsDir = opts.resultsDir ?? ctx.resultsDir;
  return withStore(ctx, storeConfig(config, opts.store), async (store) => {
    const id = newRunId(new Date());
    const params = recordParams(opts.load, opts.thresholds);
    const scenario = scenarioKey(opts.label, params);
    ctx.err(`bench ${id}: ${scenario} for ${opts.load.durationMs / 1000}s`);
    const host = hostBefore();
    const outcome = await runLoad(opts.load, {
      target: createTarget(opts.load, id, config, ctx.log),
      log: ctx.log,
      onSecond: (s) =>
        ctx.err(
          `  ${String(s.second).padStart(3)}s  produced ${int(s.produced)} msg/s  consumed ${int(s.consumed)} msg/s  (sent ${int(s.sent)}, received ${int(s.received)})`,
        ),
    });
    const run: BenchRun = {
      id,
      startedAt: new Date(outcome.startedAt).toISOString(),
      scenario,
      label: opts.label,
      broker: opts.load.broker,
      status: statusOf(outcome.result),
      params,
      environment: {
        broker: { name: opts.load.broker, ...outcome.broker },
        host: hostAfter(host),
        rollcall: { command: commandLine(argv) },
      },
      result: outcome.result,
      timeline: outcome.timeline,
    };
    await saveRun(store, run);
    if (opts.baseline) await markBaseline(store, run.id);
    const comparison = await compareWithBaseline(store, run);
    const file = writeResultFile(join(resultsDir, 'runs'), run, comparison);
    if (opts.json) {
      ctx.out(JSON.stringify({ run: { ...run, isBaseline: opts.baseline }, comparison, file }, null, 2));
    } else {
      for (const line of summaryLines(run, comparison)) ctx.out(line);
      ctx.out(`stored as ${run.id}${opts.baseline ? ', now the baseline of its scenario' : ''}; summary in ${file}`);
      if (!comparison && !opts.baseline)
        ctx.out(`this scenario has no baseline yet: rollcall bench baseline ${run.id}`);
    }
    return run.status !== 'ok' || (opts.failOnRegression && comparison?.regressed) ? 1 : 0;
  });
}
