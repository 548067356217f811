// `rollcall bench list | show ID | baseline ID`: the stored runs, one run's report, and marking a baseline.
import { writeFileSync } from 'node:fs';
import { OptionsError, parseFlags } from '../load/options.ts';
import { renderHtml } from '@rollcall/bench-runs/report/html';
import { renderMarkdown } from '@rollcall/bench-runs/report/markdown';
import { compareWithBaseline, getRun, listRuns, markBaseline, RunNotFoundError } from '@rollcall/bench-runs/store';
import { BenchCliError, configFor, storeConfig, withStore, type Context } from './context.ts';
import { runsTable, summaryLines } from './summary.ts';

const COMMON = { store: { type: 'string' }, config: { type: 'string' }, json: { type: 'boolean' } } as const;

/** The one positional argument a subcommand takes (the run id), with the flags parsed apart. */
function splitId(argv: string[], what: string): { id: string; flags: string[] } {
  const [id, ...flags] = argv;
  if (id === undefined || id.startsWith('-')) throw new OptionsError(`expected a run id: rollcall bench ${what} ID`);
  return { id, flags };
}

export async function listCommand(argv: string[], ctx: Context): Promise<number> {
  const v = parseFlags(argv, {
    ...COMMON,
    scenario: { type: 'string' },
    broker: { type: 'string' },
    limit: { type: 'string' },
  });
  const broker = v.broker;
  if (broker !== undefined && broker !== 'kafka' && broker !== 'rabbitmq')
    throw new OptionsError(`--broker: expected kafka or rabbitmq, got "${broker}"`);
  const limit = v.limit === undefined ? 50 : Number(v.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new OptionsError(`--limit: expected a positive integer, got "${v.limit}"`);
  const config = configFor(argv, ctx.env);
  return withStore(ctx, storeConfig(config, v.store), async (store) => {
    const runs = await listRuns(store, {
      limit,
      ...(v.scenario !== undefined ? { scenario: v.scenario } : {}),
      ...(broker !== undefined ? { broker } : {}),
    });
    if (v.json) ctx.out(JSON.stringify(runs, null, 2));
    else
      ctx.out(runs.length ? runsTable(runs) : 'no benchmark runs stored yet: rollcall bench --broker kafka|rabbitmq …');
    return 0;
  });
}

export async function showCommand(argv: string[], ctx: Context): Promise<number> {
  const { id, flags } = splitId(argv, 'show');
  const v = parseFlags(flags, { ...COMMON, html: { type: 'string' }, md: { type: 'string' } });
  const config = configFor(flags, ctx.env);
  return withStore(ctx, storeConfig(config, v.store), async (store) => {
    const wanted = id === 'latest' ? (await listRuns(store, { limit: 1 }))[0]?.id : id;
    const run = wanted === undefined ? null : await getRun(store, wanted);
    if (!run)
      throw new BenchCliError(
        id === 'latest'
          ? 'no benchmark runs stored yet'
          : `no benchmark run ${id} (rollcall bench list shows the stored runs)`,
      );
    const comparison = await compareWithBaseline(store, run);
    if (v.html !== undefined) {
      writeFileSync(v.html, renderHtml(run, comparison));
      ctx.err(`wrote ${v.html}`);
    }
    if (v.md !== undefined) {
      writeFileSync(v.md, renderMarkdown(run, comparison));
      ctx.err(`wrote ${v.md}`);
    }
    if (v.json) ctx.out(JSON.stringify({ run, comparison }, null, 2));
    else if (v.html === undefined && v.md === undefined)
      for (const line of summaryLines(run, comparison)) ctx.out(line);
    return 0;
  });
}

export async function baselineCommand(argv: string[], ctx: Context): Promise<number> {
  const { id, flags } = splitId(argv, 'baseline');
  const v = parseFlags(flags, COMMON);
  const config = configFor(flags, ctx.env);
  return withStore(ctx, storeConfig(config, v.store), async (store) => {
    try {
      const run = await markBaseline(store, id);
      ctx.out(v.json ? JSON.stringify(run, null, 2) : `${run.id} is now the baseline of "${run.scenario}"`);
      return 0;
    } catch (err) {
      if (err instanceof RunNotFoundError)
        throw new BenchCliError(`${err.message} (rollcall bench list shows the stored runs)`);
      throw err;
    }
  });
}
