// `rollcall bench overhead --broker rabbitmq|kafka`: what Rollcall costs the system it watches. Results go to
// bench/results/overhead.json and overhead.md (not to the store: the tap under test has a store of its own).
import { parseDuration } from '@rollcall/contract/duration';
import { kafkaClientOptions } from '@rollcall/collector/kafka/client-options';
import { LOAD_FLAG_SPEC, OptionsError, parseFlags, parseLoadFlags } from '../load/options.ts';
import { createRabbitAdmin } from '../load/rabbit-management.ts';
import { newRunId } from '@rollcall/bench-runs/store';
import { measureFirehoseOverhead } from '../overhead/firehose.ts';
import { writeOverheadResults } from '../overhead/report.ts';
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
    if (messages !== undefined || timeout !== undefined)
      throw new OptionsError(`--${messages !== undefined ? 'messages' : 'timeout'}: applies to --broker kafka only`);
    result = await measureFirehoseOverhead(load, {
      admin: createRabbitAdmin(load.managementUrl, load.url),
      log: ctx.log,
      runId,
      command,
      say,
    });
  } else {
    const count = messages === undefined ? 500_000 : Number(messages.replaceAll('_', ''));
    if (!Number.isInteger(count) || count < 1)
      throw new OptionsError(`--messages: expected a positive integer, got "${messages}"`);
    const timeoutMs = timeout === undefined ? 120_000 : parseDuration(timeout);
    if (timeoutMs === undefined || timeoutMs < 1000)
      throw new OptionsError(`--timeout: expected a duration such as 60s, got "${timeout}"`);
    result = await measureTapOverhead(
      {
        brokers: load.brokers,
        messages: count,
        size: load.size,
        partitions: load.partitions,
        timeoutMs,
        ...(load.brokerVersion !== undefined ? { brokerVersion: load.brokerVersion } : {}),
      },
      { client: kafkaClientOptions(config.kafka), log: ctx.log, runId, command, say },
    );
  }
  const { json, md } = writeOverheadResults(resultsDir, result);
  const r = result.ratios;
  ctx.out(
    result.kind === 'firehose'
      ? `firehose on / off: publish ${r.msgPerSec?.toFixed(2) ?? '–'}×, end to end ${r.endToEndMsgPerSec?.toFixed(2) ?? '–'}×, p99 ${r.p99?.toFixed(2) ?? '–'}×`
      : `tap on / off: application group ${r.msgPerSec?.toFixed(2) ?? '–'}× (steady ${r.endToEndMsgPerSec?.toFixed(2) ?? '–'}×)`,
  );
  ctx.out(`wrote ${json} and ${md}`);
  return 0;
}
