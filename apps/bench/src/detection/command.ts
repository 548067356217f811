// `rollcall bench detection`: the real rule engine over a fresh store on synthetic traffic with injected faults.
// Results go to bench/results/detection.json and detection.md (the run's store is a temp dir, removed after).
import { OptionsError, parseFlags } from '../load/options.ts';
import type { Context } from '../commands/context.ts';
import { commandLine } from '../commands/run.ts';
import { duration, writeDetectionResults } from './report.ts';
import { nextMonday, runDetection } from './run.ts';
import { SCENARIO_KINDS, type ScenarioKind } from './scenarios.ts';
import { DAY } from './traffic.ts';

export const DETECTION_USAGE = `  rollcall bench detection [--days 7] [--faults KIND,…|all] [--seed 1] [--history-weeks 4] [--start 2026-12-07T00:00:00Z]
                           [--rules ID,…] [--results DIR] [--keep-store] [--json]
                                                              the rules engine on synthetic traffic with injected faults:
                                                              time to pending / firing, flaps and false alarms
      kinds: ${SCENARIO_KINDS.join(', ')}`;

const FLAGS = {
  days: { type: 'string' },
  faults: { type: 'string' },
  seed: { type: 'string' },
  'history-weeks': { type: 'string' },
  start: { type: 'string' },
  rules: { type: 'string' },
  results: { type: 'string' },
  'keep-store': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

function numberFlag(
  flag: string,
  raw: string | undefined,
  fallback: number,
  kind: 'positive' | 'integer' | 'count',
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  const ok =
    Number.isFinite(value) &&
    (kind === 'count' ? value >= 0 : value > 0) &&
    (kind === 'positive' || Number.isInteger(value));
  if (!ok)
    throw new OptionsError(
      `--${flag}: expected ${kind === 'positive' ? 'a positive number' : kind === 'integer' ? 'a positive integer' : 'an integer from 0'}, got "${raw}"`,
    );
  return value;
}

function kindsOf(raw: string | undefined): ScenarioKind[] {
  if (raw === undefined || raw === 'all') return [...SCENARIO_KINDS];
  return raw.split(',').map((k) => {
    const kind = SCENARIO_KINDS.find((known) => known === k.trim());
    if (!kind) throw new OptionsError(`--faults: unknown kind "${k}" (expected ${SCENARIO_KINDS.join(', ')} or all)`);
    return kind;
  });
}

export async function detectionCommand(argv: string[], ctx: Context): Promise<number> {
  const values = parseFlags(argv, FLAGS);
  const start = values.start === undefined ? nextMonday(Date.now()) : Date.parse(values.start);
  if (!Number.isFinite(start) || start % 60_000 !== 0)
    throw new OptionsError(`--start: expected an ISO time on a whole minute, got "${values.start}"`);
  const days = numberFlag('days', values.days, 7, 'positive');
  const options = {
    days,
    seed: numberFlag('seed', values.seed, 1, 'integer'),
    historyWeeks: numberFlag('history-weeks', values['history-weeks'], 4, 'count'),
    kinds: kindsOf(values.faults),
    only: values.rules ? values.rules.split(',').map((r) => r.trim()) : [],
    start,
  };
  if (days * DAY < 3_600_000) throw new OptionsError('--days: the span must be at least an hour (0.05 days)');
  let result;
  try {
    result = await runDetection(options, {
      log: ctx.log,
      command: commandLine(['detection', ...argv]),
      say: ctx.err,
      keepStore: values['keep-store'] === true,
      // A long run leaves a report of the days done so far, in case it is stopped.
      onPartial: (partial) => void writeDetectionResults(values.results ?? ctx.resultsDir, partial),
    });
  } catch (err) {
    if (err instanceof Error && /cannot hold/.test(err.message)) throw new OptionsError(`--days: ${err.message}`);
    if (err instanceof Error && /^unknown rule/.test(err.message)) throw new OptionsError(`--rules: ${err.message}`);
    throw err;
  }
  const files = writeDetectionResults(values.results ?? ctx.resultsDir, result);
  if (values.json) ctx.out(JSON.stringify({ ...result, files }));
  else {
    for (const f of result.score.faults) ctx.out(`${f.kind}: firing ${duration(f.bestFiringMs)} (${f.verdict})`);
    ctx.out(
      `false alarms: ${result.score.falseAlarms.length} · engine errors: ${result.engine.errors.length} · wall ${duration(result.wallMs.total)}`,
    );
    ctx.out(`wrote ${files.json} and ${files.md}`);
  }
  return result.engine.errors.length > 0 ? 1 : 0;
}
