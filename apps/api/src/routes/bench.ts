// Benchmark runs of the messaging system (bench/): the list, one run with its comparison to its scenario's
// baseline, the same report as a self-contained HTML page or Markdown, and marking a baseline.
import { z } from 'zod';
import { renderHtml } from '@rollcall/bench/report/html';
import { renderMarkdown } from '@rollcall/bench/report/markdown';
import { compareWithBaseline, getRun, listRuns, markBaseline } from '@rollcall/bench/runs';
import type { StoredRun } from '@rollcall/bench/runs/model';
import { brokerParam } from '@rollcall/contract/params';
import { notFound } from '../problem.ts';
import type { RouteDeps } from './deps.ts';

export const runSummarySchema = z.object({
  id: z.string(),
  startedAt: z.string(),
  scenario: z.string(),
  label: z.string(),
  broker: brokerParam,
  status: z.enum(['ok', 'lossy', 'failed']),
  sent: z.number(),
  received: z.number(),
  lost: z.number(),
  duplicates: z.number(),
  produceMsgPerSec: z.number(),
  endToEndMsgPerSec: z.number(),
  p50: z.number(),
  p99: z.number(),
  max: z.number(),
  isBaseline: z.boolean(),
});
export const runsResponse = z.object({ runs: z.array(runSummarySchema) });

// The run's parts are typed in bench/src/runs/model.ts; the schema only says they are objects.
const nested = z.custom<object>((v) => typeof v === 'object' && v !== null, 'expected an object');
export const runSchema = z.object({
  id: z.string(),
  startedAt: z.string(),
  scenario: z.string().describe('the comparability key: runs of one scenario share a baseline'),
  label: z.string(),
  broker: brokerParam,
  status: z.enum(['ok', 'lossy', 'failed']),
  params: nested.describe('the load options as run (credentials removed)'),
  environment: nested.describe('broker version and nodes, host cores, CPU and memory'),
  result: nested.describe('sent, received, lost, duplicates, produce and end-to-end throughput, latency percentiles, broker figures'),
  timeline: z.array(nested).describe('per second: produced, consumed, p50, p99, max'),
  isBaseline: z.boolean(),
});
export const runDetailResponse = runSchema.extend({
  comparison: z
    .object({ baseline: runSchema.omit({ isBaseline: true }), thresholds: nested, metrics: z.array(nested), regressions: z.array(z.string()), regressed: z.boolean() })
    .nullable()
    .describe('null for the baseline itself, or when its scenario has none'),
});

const runPath = z.strictObject({ id: z.string().regex(/^[0-9A-Za-z-]{1,64}$/, 'expected a run id such as 20261123-101500-a1b2') });

export function benchRoutes({ routes, store }: RouteDeps): void {
  const find = async (id: string): Promise<StoredRun> => {
    const run = await getRun(store, id);
    if (!run) throw notFound(`no benchmark run ${id}`);
    return run;
  };
  const report = async (id: string) => {
    const run = await find(id);
    return { run, comparison: await compareWithBaseline(store, run) };
  };

  routes.add({
    method: 'get',
    path: '/api/v1/bench/runs',
    summary: 'Benchmark runs, newest first',
    tag: 'bench',
    role: 'viewer',
    query: z.strictObject({ scenario: z.string().max(512).optional(), broker: brokerParam.optional(), limit: z.coerce.number().int().min(1).max(500).default(50) }),
    response: runsResponse,
    handler: async ({ query }) => ({ runs: await listRuns(store, { ...(query.scenario ? { scenario: query.scenario } : {}), ...(query.broker ? { broker: query.broker } : {}), limit: query.limit }) }),
  });

  routes.add({
    method: 'get',
    path: '/api/v1/bench/runs/{id}',
    summary: 'One run with its timeline and its comparison with the scenario’s baseline',
    tag: 'bench',
    role: 'viewer',
    params: runPath,
    response: runDetailResponse,
    handler: async ({ params }) => {
      const { run, comparison } = await report(params.id);
      return { ...run, comparison };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/v1/bench/runs/{id}/report.html',
    summary: 'The run’s report as one self-contained HTML file (inline CSS and SVG)',
    tag: 'bench',
    role: 'viewer',
    params: runPath,
    response: z.string(),
    produces: 'text/html',
    handler: async ({ params, c }) => {
      const { run, comparison } = await report(params.id);
      c.header('Content-Disposition', `inline; filename="rollcall-bench-${run.id}.html"`);
      return c.html(renderHtml(run, comparison));
    },
  });

  routes.add({
    method: 'get',
    path: '/api/v1/bench/runs/{id}/report.md',
    summary: 'The run’s report as Markdown',
    tag: 'bench',
    role: 'viewer',
    params: runPath,
    response: z.string(),
    produces: 'text/markdown',
    handler: async ({ params, c }) => {
      const { run, comparison } = await report(params.id);
      c.header('Content-Disposition', `inline; filename="rollcall-bench-${run.id}.md"`);
      return c.body(renderMarkdown(run, comparison), 200, { 'content-type': 'text/markdown; charset=utf-8' });
    },
  });

  routes.add({
    method: 'post',
    path: '/api/v1/bench/runs/{id}/baseline',
    summary: 'Make this run the baseline of its scenario; later runs are compared with it',
    tag: 'bench',
    role: 'admin',
    params: runPath,
    response: runSchema,
    handler: async ({ params }) => {
      await find(params.id);
      return markBaseline(store, params.id);
    },
  });
}
