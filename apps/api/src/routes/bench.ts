// Benchmark runs of the messaging system (bench/): the list, one run with its comparison to its scenario's
// baseline, the same report as a self-contained HTML page or Markdown, and marking a baseline.
import { z } from 'zod';
import { renderHtml } from '@rollcall/bench-runs/report/html';
import { renderMarkdown } from '@rollcall/bench-runs/report/markdown';
import { compareWithBaseline, getRun, listRuns, markBaseline } from '@rollcall/bench-runs/store';
import {
  runDetailResponse,
  runPath,
  runsQuery,
  runsResponse,
  storedRunSchema,
  type StoredRun,
} from '@rollcall/contract/bench';
import { notFound } from '../problem.ts';
import type { RouteDeps } from './deps.ts';

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
    query: runsQuery,
    response: runsResponse,
    handler: async ({ query }) => ({
      runs: await listRuns(store, {
        ...(query.scenario ? { scenario: query.scenario } : {}),
        ...(query.broker ? { broker: query.broker } : {}),
        limit: query.limit,
      }),
    }),
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
    response: storedRunSchema,
    handler: async ({ params }) => {
      await find(params.id);
      return markBaseline(store, params.id);
    },
  });
}
