// `rollcall bench overhead --broker rabbitmq|kafka`: what Rollcall costs the system it watches. Results go to
// bench/results/overhead.json and overhead.md (not to the store: the tap under test has a store of its own).
import { parseDuration } from '@rollcall/contract/duration';
import { kafkaClientOptions } from '@rollcall/collector/kafka/client-options';
import { LOAD_FLAG_SPEC, OptionsError, parseFlags, parseLoadFlags } from '../load/options.ts';
import { createRabbitAdmin } from '../load/rabbit-management.ts';
import { newRunId } from '@rollcall/bench-runs/store';
import { measureFirehoseOverhead } from '../overhead/firehose.ts';
import { ratio, writeOverheadResults } from '../overhead/report.ts';
import { storedExactly } from '../overhead/phases.ts';
import { measureTapOverhead } from '../overhead/tap.ts';
import { configFor, connectionDefaults, type Context } from './context.ts';
import { commandLine } from './run.ts';

const FLAGS = {
  ...LOAD_FLAG_SPEC,
  results: { type: 'string' },
  config: { type: 'string' },
  messages: { type: 'string' },
  timeout: { type: 'string' },
} as const;

/** --timeout: Kafka, per phase, for the application group to read everything; RabbitMQ, after each traced phase,
 * for the tap and the delivery counter to settle. */
function timeoutOf(flag: string | undefined): number {
  const timeoutMs = flag === undefined ? 120_000 : parseDuration(flag);
  if (timeoutMs === undefined || timeoutMs < 1000)
    throw new OptionsError(`--timeout: expected a duration such as 60s, got "${flag}"`);
  return timeoutMs;
}

export async function overheadCommand(argv: string[], ctx: Context): Promise<number> {
  const values = parseFlags(argv, FLAGS);
  const { results, messages, timeout } = values;
  const config = configFor(argv, ctx.env);
  const load = parseLoadFlags(values, connectionDefaults(config));
  const resultsDir = results ?? ctx.resultsDir;
  const runId = newRunId(new Date());
  const command = commandLine(['overhead', ...argv]);
  const say = (line: string) => ctx.err(line);
  let result;
  if (load.broker === 'rabbitmq') {
    if (messages !== undefined) throw new OptionsError('--messages: applies to --broker kafka only');
    result = await measureFirehoseOverhead(
      { ...load, settleTimeoutMs: timeoutOf(timeout) },
      { admin: createRabbitAdmin(load.managementUrl, load.url), log: ctx.log, runId, command, say },
    );
  } else {
    const count = messages === undefined ? 500_000 : Number(messages.replaceAll('_', ''));
    if (!Number.isInteger(count) || count < 1)
      throw new OptionsError(`--messages: expected a positive integer, got "${messages}"`);
    result = await measureTapOverhead(
      {
        brokers: load.brokers,
        messages: count,
        size: load.size,
        partitions: load.partitions,
        timeoutMs: timeoutOf(timeout),
        ...(load.brokerVersion !== undefined ? { brokerVersion: load.brokerVersion } : {}),
      },
      { client: kafkaClientOptions(config.kafka), log: ctx.log, runId, command, say },
    );
  }
  const { json, md } = writeOverheadResults(resultsDir, result);
  const r = result.ratios;
  if (result.kind === 'tap')
    ctx.out(`tap on / off: application group ${ratio(r.msgPerSec)} (steady ${ratio(r.endToEndMsgPerSec)})`);
  for (const p of result.phases.filter((p) => p.tap)) {
    const q = p.ratios;
    ctx.out(
      `${p.label} / off: publish ${ratio(q?.msgPerSec)}, end to end ${ratio(q?.endToEndMsgPerSec)}, p99 ${ratio(q?.p99)}, host CPU per message ${ratio(q?.cpuMicrosPerMessage)}; stored exactly: ${storedExactly(p) ? 'yes' : 'NO'}`,
    );
  }
  ctx.out(`wrote ${json} and ${md}`);
  // Measured and written either way, but a tap that did not store exactly what the load did is a failure.
  return result.phases.every((p) => storedExactly(p) !== false) ? 0 : 1;
}
