// Bench routes over stored runs: list, detail with the baseline comparison, HTML and Markdown reports, marking
// a baseline (admin only), bad ids and unknown runs.
import { describe, expect, it } from 'vitest';
import { saveRun } from '@rollcall/bench-runs/store';
import { runFixture } from '@rollcall/bench-runs/testing/fixture';
import { runDetailResponse, runsResponse, storedRunSchema } from '@rollcall/contract/bench';
import { ADMIN, VIEWER, useFixture } from './fixture.ts';

const f = useFixture(async (api) => {
  await saveRun(api.store, runFixture({ id: '20261123-100000-aaaa', produce: 10_000, p99: 20 }));
  await saveRun(api.store, runFixture({ id: '20261123-110000-bbbb', produce: 7_000, p99: 30 }));
});

describe('bench routes', () => {
  it('lists runs newest first', async () => {
    const res = await f.request('/api/v1/bench/runs', { token: VIEWER });
    const body = runsResponse.parse(await res.json());
    expect(body.runs.map((r) => r.id)).toEqual(['20261123-110000-bbbb', '20261123-100000-aaaa']);
  });

  it('marks a baseline for admins only, then compares later runs with it', async () => {
    expect(
      (await f.request('/api/v1/bench/runs/20261123-100000-aaaa/baseline', { token: VIEWER, method: 'POST' })).status,
    ).toBe(403);
    const marked = storedRunSchema.parse(
      await (
        await f.request('/api/v1/bench/runs/20261123-100000-aaaa/baseline', { token: ADMIN, method: 'POST' })
      ).json(),
    );
    expect(marked.isBaseline).toBe(true);
    const detail = runDetailResponse.parse(
      await (await f.request('/api/v1/bench/runs/20261123-110000-bbbb', { token: VIEWER })).json(),
    );
    expect(detail.comparison?.baseline.id).toBe('20261123-100000-aaaa');
    expect(detail.comparison?.regressed).toBe(true);
    expect(detail.comparison?.regressions.join(' ')).toMatch(/throughput|msg\/s|p99/i);
  });

  it('exports the report as HTML and Markdown', async () => {
    const html = await f.request('/api/v1/bench/runs/20261123-110000-bbbb/report.html', { token: VIEWER });
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await html.text();
    expect(page).toMatch(/^<!doctype html>/i);
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/i);
    const md = await (await f.request('/api/v1/bench/runs/20261123-110000-bbbb/report.md', { token: VIEWER })).text();
    expect(md).toContain('20261123-110000-bbbb');
    expect(md).toMatch(/\| *p99/);
  });

  it('404s an unknown run and 400s a malformed id', async () => {
    expect((await f.request('/api/v1/bench/runs/20990101-000000-ffff', { token: VIEWER })).status).toBe(404);
    expect(
      (await f.request('/api/v1/bench/runs/20990101-000000-ffff/baseline', { token: ADMIN, method: 'POST' })).status,
    ).toBe(404);
    const bad = await f.request('/api/v1/bench/runs/..%2F..%2Fetc', { token: VIEWER });
    expect(bad.status).toBe(400);
  });
});
