// Every route: the happy path parsed with the route's own schema, bad parameters (400 problem+json naming the
// field), auth (401/403) and unknown ids (404), against a real embedded store.
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { parseConfig } from '@rollcall/core/config';
import { createLogger } from '@rollcall/core/log';
import { createApp } from '../../src/app.ts';
import { alertDetailResponse, alertSchema, alertsResponse, historyResponse } from '@rollcall/contract/alerts';
import { silenceSchema, silencesResponse } from '@rollcall/contract/silences';
import { whoamiResponse } from '@rollcall/contract/meta';
import { flowsResponse } from '@rollcall/contract/flows';
import { incidentSchema } from '@rollcall/contract/demo';
import { lagDetailResponse, lagResponse } from '@rollcall/contract/lag';
import {
  backtestResponse,
  ruleDetailResponse,
  rulesResponse,
  validateResponse,
  type Backtest,
} from '@rollcall/contract/rules';
import { seriesResponse } from '@rollcall/contract/series';
import { countResponse, eventsResponse, streamDetailResponse, streamsResponse } from '@rollcall/contract/streams';
import { insertEvaluations } from '@rollcall/rules/alert-store';
import { chTime } from '@rollcall/core/store';
import { ADMIN, NOW, row, RULES, SEEDED, VIEWER, useFixture } from './fixture.ts';

const f = useFixture();

const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  detail: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

async function ok<S extends z.ZodType>(res: Response, schema: S, status = 200): Promise<z.output<S>> {
  const body: unknown = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(status);
  return schema.parse(body);
}

async function fails(res: Response, status: number, field?: string) {
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = problemSchema.parse(await res.json());
  expect(body.status, JSON.stringify(body)).toBe(status);
  expect(res.status).toBe(status);
  if (field) expect(body.errors?.map((e) => e.field)).toContain(field);
  return body;
}

/** A viewer's GET of `path`, answered with 200 and parsed with `schema`. */
const viewerGet = async <S extends z.ZodType>(path: string, schema: S) =>
  ok(await f.request(path, { token: VIEWER }), schema);

/** A viewer's GET of `path`, refused with `status` (naming `field`, when given). */
const viewerGetFails = async (path: string, status: number, field?: string) =>
  fails(await f.request(path, { token: VIEWER }), status, field);

/** A backtest read page after page to its end (a page ends early after about a second of replay, so even a short
 * range may take more than one on a loaded host): each page at most `limit` windows and at least one, its progress
 * adding up. */
async function backtestToEnd(url: string, limit: number) {
  const windows: Backtest['windows'] = [];
  const firings = new Map<string, Backtest['firings'][number]>();
  const done: number[] = [];
  let cursor: string | null = null;
  do {
    const page: Backtest = await viewerGet(`${url}${cursor ? `&cursor=${cursor}` : ''}`, backtestResponse);
    expect(page.windows.length).toBeLessThanOrEqual(limit);
    expect(page.windows.length).toBeGreaterThan(0);
    expect(page.progress.done).toBe((done.at(-1) ?? 0) + page.windows.length);
    windows.push(...page.windows);
    // a firing open across pages comes again with its own `from`: the last says how it ended
    for (const f of page.firings) firings.set(f.from, f);
    done.push(page.progress.done);
    cursor = page.next;
  } while (cursor);
  return { windows, firings: [...firings.values()], done };
}

describe('auth', () => {
  it('asks for a token, refuses an unknown one, and names the caller', async () => {
    await fails(await f.request('/api/v1/whoami'), 401);
    await fails(await f.request('/api/v1/whoami', { token: 'not-a-token' }), 401);
    expect(await viewerGet('/api/v1/whoami', whoamiResponse)).toEqual({
      name: 'dashboard',
      role: 'viewer',
      auth: true,
    });
    expect((await ok(await f.request('/api/v1/whoami', { token: ADMIN }), whoamiResponse)).role).toBe('admin');
  });

  it('keeps health and readiness outside auth', async () => {
    expect((await f.request('/healthz')).status).toBe(200);
    expect((await f.request('/readyz')).status).toBe(200);
  });

  it('answers an unknown API path with 404 problem+json', async () => {
    await viewerGetFails('/api/v1/nope', 404);
  });
});

describe('streams', () => {
  it('lists streams with counts, rates, event types and sources', async () => {
    const body = await viewerGet('/api/v1/streams?range=1h', streamsResponse);
    const orders = body.streams.find((s) => s.stream === 'orders');
    expect(orders).toMatchObject({
      broker: 'kafka',
      count: SEEDED.orders,
      bytes: SEEDED.orders * 200,
      event_types: ['OrderCancelled', 'OrderPlaced'],
      sources: ['shop'],
    });
    // the average is over the time with data (from the first minute with orders to the end of the range), not the hour
    const avgSeconds = (NOW - Math.floor(row(0).observed_at / 60_000) * 60_000) / 1000;
    expect(orders?.avg_seconds).toBeCloseTo(avgSeconds, 3);
    expect(orders?.msg_per_sec).toBeCloseTo(SEEDED.orders / avgSeconds, 5);
    expect(body.total).toBe(body.streams.length);
    expect(orders?.baseline_msg_per_sec).toBeNull();
    const payments = body.streams.find((s) => s.stream === 'payments');
    expect(payments?.count).toBe(SEEDED.payments);
    // a week earlier: half as many over the same span of time with data
    expect(payments?.baseline_msg_per_sec).toBeCloseTo(SEEDED.payments / 2 / avgSeconds, 6);
    expect(payments?.change).toBeCloseTo(1, 6);
  });

  it('filters, sorts and pages the list on the server, keeping the total that matched', async () => {
    const byCount = await viewerGet('/api/v1/streams?range=1h&sort=-count&limit=1', streamsResponse);
    expect(byCount.streams.map((s) => s.stream)).toEqual(['orders']);
    expect(byCount.total).toBeGreaterThanOrEqual(2);
    const second = await viewerGet('/api/v1/streams?range=1h&sort=-count&limit=1&offset=1', streamsResponse);
    expect(second.streams.map((s) => s.stream)).toEqual(['payments']);
    const filtered = await viewerGet('/api/v1/streams?range=1h&q=PAYMENTtaken', streamsResponse);
    expect(filtered).toMatchObject({ total: 1, streams: [expect.objectContaining({ stream: 'payments' })] });
    await viewerGetFails('/api/v1/streams?sort=colour', 400, 'query.sort');
    await viewerGetFails('/api/v1/streams?limit=0', 400, 'query.limit');
  });

  it('rejects a bad range naming the field', async () => {
    await viewerGetFails('/api/v1/streams?range=soon', 400, 'query.range');
    await viewerGetFails('/api/v1/streams?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 400, 'query.from');
    await viewerGetFails('/api/v1/streams?colour=red', 400, 'query');
  });

  it('refuses times outside 1970..2100 and durations past their maximum on every ranged route', async () => {
    await viewerGetFails('/api/v1/streams?to=1969-12-31T23:59:59Z', 400, 'query.to');
    await viewerGetFails('/api/v1/streams?to=1970-01-01T00:10:00Z', 400, 'query.to');
    for (const path of [
      '/api/v1/series',
      '/api/v1/alerts/history',
      '/api/v1/rules/orders-floor',
      '/api/v1/lag/kafka/billing',
      '/api/v1/flows',
      '/api/v1/streams/kafka/orders',
    ]) {
      await viewerGetFails(`${path}?to=9999999999999999`, 400, 'query.to');
    }
    await viewerGetFails('/api/v1/rules/orders-floor/backtest?from=0000-01-01T00:00:00Z', 400, 'query.from');
    await viewerGetFails('/api/v1/count?broker=kafka&stream=orders&since=5056263901999985745s', 400, 'query.since');
    await viewerGetFails('/api/v1/series?range=401d', 400, 'query.range');
  });

  it("gives a stream's event types, sources, schemas and watching rules", async () => {
    const body = await viewerGet('/api/v1/streams/kafka/orders?range=1h', streamDetailResponse);
    expect(body.count).toBe(SEEDED.orders);
    expect([body.audit, body.deliveries]).toEqual(['rows', null]); // Kafka has no deliveries
    expect(body.event_types.map((t) => [t.event_type, t.count])).toEqual([
      ['OrderPlaced', 80],
      ['OrderCancelled', 40],
    ]);
    expect(body.schemas.map((s) => [s.fingerprint, s.paths, s.count])).toEqual([
      ['22', ['/id', '/reason'], 40],
      ['11', ['/id', '/total'], 80],
    ]);
    expect(body.rules).toEqual([{ id: 'orders-floor', type: 'volume', state: 'firing' }]);
  });

  it("counts a stream's schema fingerprints on the basis of its event types: whole event minutes", async () => {
    // a range starting halfway through the seeded orders, between two of them
    const from = row(30).broker_ts + 500;
    const body = await viewerGet(`/api/v1/streams/kafka/orders?from=${from}&to=${NOW}`, streamDetailResponse);
    expect(body.count).toBeLessThanOrEqual(SEEDED.orders);
    expect(body.schemas.reduce((sum, s) => sum + s.count, 0)).toBe(body.count);
  });

  it('404s a stream never seen and 400s a bad broker', async () => {
    await viewerGetFails('/api/v1/streams/kafka/unheard-of', 404);
    await viewerGetFails('/api/v1/streams/mqtt/orders', 400, 'path.broker');
  });

  it('returns the newest metadata rows, never more than asked', async () => {
    const body = await viewerGet('/api/v1/streams/kafka/orders/events?limit=3', eventsResponse);
    expect(body.events.map((e) => e.offset)).toEqual([119, 118, 117]);
    expect(body.events[0]).not.toHaveProperty('body');
    await viewerGetFails('/api/v1/streams/kafka/orders/events?limit=0', 400, 'query.limit');
  });

  it('returns series whose points add up to the stored count, with zero-filled steps', async () => {
    const body = await viewerGet('/api/v1/series?range=1h&by=event_type&stream=orders', seriesResponse);
    expect(body.step_seconds).toBe(15);
    const total = body.series.flatMap((s) => s.points).reduce((a, p) => a + (p.count ?? 0), 0);
    expect(total).toBe(SEEDED.orders);
    expect(body.series.map((s) => s.key).sort()).toEqual(['OrderCancelled', 'OrderPlaced']);
    expect(body.series[0]?.points.length).toBeGreaterThanOrEqual(240);
    expect(body.series[0]?.points.length).toBeLessThanOrEqual(241);
    const week = await viewerGet('/api/v1/series?range=7d', seriesResponse);
    expect(week.step_seconds).toBe(3600);
    expect(week.series.find((s) => s.key === 'kafka')?.points.reduce((a, p) => a + (p.count ?? 0), 0)).toBe(
      SEEDED.orders + SEEDED.payments,
    );
    await viewerGetFails('/api/v1/series?by=colour', 400, 'query.by');
  });

  it('counts exactly from raw rows', async () => {
    const body = await viewerGet('/api/v1/count?broker=kafka&stream=orders&event_type=OrderCancelled', countResponse);
    expect(body.count).toBe(40);
    await viewerGetFails('/api/v1/count?stream=orders', 400, 'query.broker');
  });
});

describe('alerts', () => {
  const firing = async () => {
    const body = await viewerGet('/api/v1/alerts', alertsResponse);
    const alert = body.alerts.find((a) => a.rule_id === 'orders-floor');
    if (!alert) throw new Error(`orders-floor is not listed: ${JSON.stringify(body)}`);
    return alert;
  };

  it('lists the firing alert with observed and expected values', async () => {
    const alert = await firing();
    expect(alert).toMatchObject({
      state: 'firing',
      severity: 'critical',
      value: SEEDED.orders,
      threshold: 100000,
      acknowledged: null,
      silenced_by: [],
      watched_streams: ['orders'],
    });
    // last confirmed: the end of the window the engine judged breached at its tick
    expect(alert.last_confirmed_at).not.toBeNull();
    expect(Date.parse(alert.last_confirmed_at ?? '')).toBeLessThanOrEqual(NOW);
    await viewerGetFails('/api/v1/alerts?state=burning', 400, 'query.state');
  });

  it('gives an alert with its transitions, and 404s an unknown one', async () => {
    const alert = await firing();
    const detail = await viewerGet(`/api/v1/alerts/${alert.fingerprint}`, alertDetailResponse);
    expect(detail.transitions.map((t) => t.to_state)).toContain('firing');
    // its windows, for the chart of observed against the floor (a volume rule: a threshold, no band)
    expect(detail.evaluations.at(-1)).toMatchObject({
      value: SEEDED.orders,
      threshold: 100000,
      decision: 'breached',
      lo: null,
      hi: null,
      expected: null,
    });
    expect(detail.last_confirmed_at).toBe(detail.evaluations.at(-1)?.window_end);
    expect(detail.missing_keys).toEqual([]);
    await viewerGetFails('/api/v1/alerts/abc123', 404);
    await viewerGetFails('/api/v1/alerts/not-hex!', 400, 'path.fingerprint');
    const history = await viewerGet('/api/v1/alerts/history?range=1h', historyResponse);
    expect(history.transitions.some((t) => t.fingerprint === alert.fingerprint && t.to_state === 'firing')).toBe(true);
  });

  it('lets an admin acknowledge a firing alert and refuses a viewer', async () => {
    const alert = await firing();
    const ack = (token: string, body: unknown, headers?: Record<string, string>) =>
      f.request(`/api/v1/alerts/${alert.fingerprint}/ack`, { token, method: 'POST', body, headers });
    await fails(await ack(VIEWER, { comment: 'mine' }), 403);
    await fails(await ack(ADMIN, { comment: 7 }), 400, 'body.comment');
    await fails(await ack(ADMIN, '{"comment":', { 'content-type': 'application/json' }), 400, 'body');
    await fails(await ack(ADMIN, 'x', { 'content-type': 'text/plain' }), 415);
    await fails(await f.request('/api/v1/alerts/abc123/ack', { token: ADMIN, method: 'POST', body: {} }), 404);
    const acked = await ok(await ack(ADMIN, { comment: 'looking' }), alertSchema);
    expect(acked.acknowledged).toMatchObject({ by: 'oncall', comment: 'looking' });
    expect((await firing()).acknowledged?.by).toBe('oncall');
  });

  it('refuses a body over the size limit', async () => {
    await fails(
      await f.request('/api/v1/silences', { token: ADMIN, method: 'POST', body: { comment: 'x'.repeat(10_000) } }),
      413,
    );
  });
});

describe('silences', () => {
  it('creates, lists and expires a silence that covers the alert', async () => {
    const body = {
      matchers: [{ name: 'alertname', value: 'orders-floor' }],
      duration: '2h',
      comment: 'planned maintenance',
    };
    const create = (token: string, silence: unknown) =>
      f.request('/api/v1/silences', { token, method: 'POST', body: silence });
    await fails(await create(VIEWER, body), 403);
    await fails(await create(ADMIN, { ...body, matchers: [] }), 400, 'body.matchers');
    await fails(
      await create(ADMIN, { ...body, matchers: [{ name: 'stream', value: '(', op: '=~' }] }),
      400,
      'body.matchers.0.value',
    );
    await fails(await create(ADMIN, { ...body, ends_at: '2020-01-01T00:00:00Z' }), 400, 'body.ends_at');
    const far = await fails(
      await create(ADMIN, { ...body, duration: undefined, ends_at: '9999-12-31T23:59:59Z' }),
      400,
      'body.ends_at',
    );
    expect(far.detail).toMatch(/2100/);
    await fails(await create(ADMIN, { ...body, duration: '100000000w' }), 400, 'body.duration');
    const created = await ok(await create(ADMIN, body), silenceSchema, 201);
    expect(created).toMatchObject({
      active: true,
      created_by: 'oncall',
      matchers: [{ name: 'alertname', value: 'orders-floor', op: '=' }],
    });

    const alerts = await viewerGet('/api/v1/alerts', alertsResponse);
    expect(alerts.alerts.find((a) => a.rule_id === 'orders-floor')?.silenced_by).toEqual([created.id]);
    const listed = await viewerGet('/api/v1/silences', silencesResponse);
    expect(listed.silences.map((s) => s.id)).toContain(created.id);

    await fails(await f.request(`/api/v1/silences/${created.id}`, { token: VIEWER, method: 'DELETE' }), 403);
    await fails(await f.request('/api/v1/silences/not-a-uuid', { token: ADMIN, method: 'DELETE' }), 400, 'path.id');
    await fails(
      await f.request('/api/v1/silences/00000000-0000-4000-8000-000000000000', { token: ADMIN, method: 'DELETE' }),
      404,
    );
    expect(
      (await ok(await f.request(`/api/v1/silences/${created.id}`, { token: ADMIN, method: 'DELETE' }), silenceSchema))
        .active,
    ).toBe(false);
  });
});

describe('rules', () => {
  it('lists rules with state, last evaluation and their YAML', async () => {
    const body = await viewerGet('/api/v1/rules', rulesResponse);
    const floor = body.rules.find((r) => r.id === 'orders-floor');
    expect(floor).toMatchObject({
      type: 'volume',
      state: 'firing',
      file: 'shop.yaml',
      every_seconds: 60,
      window_seconds: 600,
    });
    expect(floor?.last_evaluation).toMatchObject({
      value: SEEDED.orders,
      threshold: 100000,
      breached: true,
      decision: 'breached',
    });
    expect(floor?.yaml.split('\n')[0]).toBe('# fires at once: far fewer orders than the floor');
    expect(floor?.yaml).toContain('id: orders-floor');
    expect(floor?.yaml).not.toContain('payments-quiet');
    expect(body.rules.find((r) => r.id === 'payments-quiet')?.state).toBe('ok');
    expect(body.errors).toEqual([]);
    // the sparklines come with the list (one request for the Rules page), from the same evaluations as the detail
    const detail = await viewerGet('/api/v1/rules/orders-floor?range=1h', ruleDetailResponse);
    const judged = detail.evaluations.filter((e) => e.decision === 'breached' || e.decision === 'clean');
    expect(body.sparklines['orders-floor']?.map((p) => [p.at, p.value, p.threshold])).toEqual(
      judged.map((e) => [e.at, e.value, e.threshold]),
    );
    expect(judged.length).toBeGreaterThan(0);
  });

  it('lists every rule even when one carries non-finite numbers', async () => {
    const statuses = () =>
      f.alerting.engine.statuses().map((s) =>
        s.rule.id === 'orders-floor' && s.last
          ? {
              ...s,
              rule: { ...s.rule, every: Number.POSITIVE_INFINITY },
              last: { ...s.last, at: Number.NaN, window: { start: Number.NaN, end: Number.POSITIVE_INFINITY } },
            }
          : s,
      );
    const rules = () =>
      f.alerting.files.rules().map((r) => (r.id === 'orders-floor' ? { ...r, every: Number.POSITIVE_INFINITY } : r));
    const alerting = {
      ...f.alerting,
      files: { ...f.alerting.files, rules },
      engine: { ...f.alerting.engine, statuses },
    };
    const app = createApp({
      config: parseConfig('', 'test.yaml', {}),
      store: f.store,
      log: createLogger('error'),
      alerting,
    });
    const body = rulesResponse.parse(await (await app.request('/api/v1/rules')).json());
    expect(body.rules.map((r) => r.id).sort()).toEqual(['orders-floor', 'payments-quiet']);
    expect(body.rules.find((r) => r.id === 'orders-floor')).toMatchObject({
      every_seconds: 0,
      last_evaluation: { at: '', window_start: '', window_end: '' },
    });
  });

  it('gives one rule with its evaluations, and 404s an unknown id', async () => {
    const body = await viewerGet('/api/v1/rules/orders-floor?range=1h', ruleDetailResponse);
    expect(body.evaluations.length).toBeGreaterThanOrEqual(1);
    expect(body.evaluations.at(-1)).toMatchObject({ value: SEEDED.orders, breached: true });
    await viewerGetFails('/api/v1/rules/no-such-rule', 404);
  });

  it('keeps the latest judgement of a window judged again after late events', async () => {
    // a window judged clean, then judged again (late events) breached ten seconds later
    const end = Math.floor(NOW / 60_000) * 60_000 - 120_000;
    const judge = (at: number, value: number, breached: boolean) => ({
      at,
      rule_id: 'payments-quiet',
      window_start: end - 600_000,
      window_end: end,
      value,
      threshold: 1,
      breached,
      skipped: '',
      error: '',
      duration_ms: 1,
    });
    await insertEvaluations(f.store, [judge(end + 1000, 3, false), judge(end + 11_000, 0, true)]);
    const body = await viewerGet('/api/v1/rules/payments-quiet?range=1h', ruleDetailResponse);
    const windows = body.evaluations.filter((e) => Date.parse(e.window_end) === end);
    expect(windows).toHaveLength(1);
    expect(windows[0]).toMatchObject({
      value: 0,
      breached: true,
      decision: 'breached',
      at: new Date(end + 11_000).toISOString(),
    });
  });

  it('shows a window whose evaluation failed as not judged, with why, unless it was also judged', async () => {
    const end = Math.floor(NOW / 60_000) * 60_000 - 240_000;
    const row = (windowEnd: number, at: number, error: string) => ({
      at,
      rule_id: 'payments-quiet',
      window_start: windowEnd - 600_000,
      window_end: windowEnd,
      value: 2,
      threshold: 1,
      breached: false,
      skipped: '',
      error,
      duration_ms: 1,
    });
    // one window only failed; the next was judged, then its second look failed
    await insertEvaluations(f.store, [
      row(end - 60_000, end - 59_000, 'Timeout exceeded'),
      row(end, end + 1000, ''),
      row(end, end + 61_000, 'Timeout exceeded'),
    ]);
    const body = await viewerGet('/api/v1/rules/payments-quiet?range=1h', ruleDetailResponse);
    const at = (t: number) => body.evaluations.filter((e) => Date.parse(e.window_end) === t);
    expect(at(end - 60_000)).toEqual([
      expect.objectContaining({ decision: 'skipped', skipped: 'evaluation failed: Timeout exceeded', breached: false }),
    ]);
    expect(at(end)).toEqual([expect.objectContaining({ decision: 'clean', skipped: '', value: 2 })]);
  });

  it('validates a rule document and names the line and field of each problem', async () => {
    const good = await ok(
      await f.request('/api/v1/rules/validate', { token: VIEWER, method: 'POST', body: { yaml: RULES } }),
      validateResponse,
    );
    expect(good).toEqual({ valid: true, rules: ['orders-floor', 'payments-quiet'], errors: [] });
    const bad = await ok(
      await f.request('/api/v1/rules/validate', {
        token: VIEWER,
        method: 'POST',
        body: { yaml: 'rules:\n  - id: x\n    type: volume\n    match: {}\n    every: often\n' },
      }),
      validateResponse,
    );
    expect(bad.valid).toBe(false);
    expect(bad.errors).toContainEqual(expect.objectContaining({ line: 5, field: 'rules.0.every' }));
    await fails(
      await f.request('/api/v1/rules/validate', { token: VIEWER, method: 'POST', body: { text: RULES } }),
      400,
      'body.yaml',
    );
  });

  it('backtests a rule over stored history', async () => {
    const from = new Date(Date.now() - 20 * 60_000).toISOString();
    const body = await backtestToEnd(`/api/v1/rules/orders-floor/backtest?from=${from}`, 500);
    expect(body.windows.length).toBeGreaterThanOrEqual(19);
    expect(body.firings.length).toBe(1);
    expect(body.firings[0]?.to).toBeNull();
    await viewerGetFails('/api/v1/rules/orders-floor/backtest', 400, 'query.from');
    await viewerGetFails('/api/v1/rules/orders-floor/backtest?from=2000-01-01T00:00:00Z', 400, 'query.from');
    await viewerGetFails(`/api/v1/rules/nope/backtest?from=${from}`, 404);
  });

  it('pages a backtest: each page a bounded number of windows and a cursor to the next, the whole as one replay', async () => {
    const from = new Date(NOW - 60 * 60_000).toISOString();
    const to = new Date(NOW).toISOString();
    const url = `/api/v1/rules/orders-floor/backtest?from=${from}&to=${to}`;
    // A page also ends after about a second of replay, so on a loaded host even the one-page replay may come in
    // more pages: both are read to the end, and the pages of 25 must add up to the same replay.
    const replay = (limit: number) => backtestToEnd(`${url}&limit=${limit}`, limit);
    const whole = await replay(5000);
    expect(whole.done.at(-1)).toBe(60);
    expect(whole.windows.length).toBe(60);
    expect(whole.firings.length).toBe(1);
    const paged = await replay(25);
    expect(paged.done.length).toBeGreaterThanOrEqual(3);
    expect(paged.windows).toEqual(whole.windows);
    expect(paged.firings).toEqual(whole.firings);

    const first = await viewerGet(`${url}&limit=25`, backtestResponse);
    await viewerGetFails(`${url}&cursor=not-a-cursor`, 400, 'query.cursor');
    // another rule's cursor, or one edited to a time that is not one of the range's windows
    await viewerGetFails(
      `/api/v1/rules/payments-quiet/backtest?from=${from}&to=${to}&cursor=${first.next}`,
      400,
      'query.cursor',
    );
    const moved = {
      ...(JSON.parse(atob(String(first.next).replaceAll('-', '+').replaceAll('_', '/'))) as object),
      end: 1,
    };
    const edited = btoa(JSON.stringify(moved)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
    await viewerGetFails(`${url}&cursor=${edited}`, 400, 'query.cursor');
    await viewerGetFails(`${url}&limit=0`, 400, 'query.limit');
    await viewerGetFails(`${url}&limit=5001`, 400, 'query.limit');
  });

  it('stops a backtest when its client goes away: no query after the abort', async () => {
    const client = f.store.client;
    const real = client.query.bind(client);
    const controller = new AbortController();
    let queries = 0;
    const query = vi.spyOn(client, 'query').mockImplementation((params) => {
      queries += 1;
      // the client leaves while the replay's tenth query runs
      if (queries === 10) controller.abort(new Error('the client went away'));
      return real(params);
    });
    try {
      // ten days of one-minute windows in one page: minutes of work, were it not stopped
      const from = new Date(NOW - 10 * 86_400_000).toISOString();
      const res = await f.request(`/api/v1/rules/orders-floor/backtest?from=${from}&limit=5000`, {
        token: VIEWER,
        signal: controller.signal,
      });
      expect(res.status).toBe(499);
      expect(queries).toBe(10);
    } finally {
      query.mockRestore();
    }
  });
});

describe('lag', () => {
  it('lists groups with their status and gives one group with partitions and history', async () => {
    const body = await viewerGet('/api/v1/lag', lagResponse);
    expect(body.groups).toEqual([
      expect.objectContaining({
        broker: 'kafka',
        group: 'billing',
        status: 'STOP',
        lag: 42,
        lag_seconds: 31.5,
        streams: ['orders'],
      }),
    ]);
    expect(body).toMatchObject({ total: 1, counts: { STOP: 1 } });
    // filtered and paged on the server: the counts per status are over the groups the text and broker filters keep
    expect(await viewerGet('/api/v1/lag?status=OK,WARN', lagResponse)).toMatchObject({
      total: 0,
      counts: { STOP: 1 },
      groups: [],
    });
    expect(await viewerGet('/api/v1/lag?q=ORDERS&sort=-lag&limit=10', lagResponse)).toMatchObject({
      total: 1,
      groups: [expect.objectContaining({ group: 'billing' })],
    });
    expect(await viewerGet('/api/v1/lag?q=nobody', lagResponse)).toMatchObject({
      total: 0,
      counts: {},
      groups: [],
    });
    expect(await viewerGet('/api/v1/lag?offset=1', lagResponse)).toMatchObject({
      total: 1,
      groups: [],
    });
    await viewerGetFails('/api/v1/lag?status=BAD', 400, 'query.status.0');
    const detail = await viewerGet('/api/v1/lag/kafka/billing?range=1h', lagDetailResponse);
    expect(detail.partitions.map((p) => [p.partition, p.committed, p.log_end, p.lag])).toEqual([
      [0, 50, 71, 21],
      [1, 50, 71, 21],
    ]);
    expect(detail.statuses).toEqual([expect.objectContaining({ status: 'STOP' })]);
    await viewerGetFails('/api/v1/lag/kafka/nobody?range=1h', 404);
    await viewerGetFails('/api/v1/lag/nats/billing', 400, 'path.broker');
    await fails(await f.request('/api/v1/lag'), 401);
  });

  it('filters by status in the query and pages what is left: the right groups and their total', async () => {
    // a second cluster's round beside the fixture's: 12 groups, statuses in turn
    const statuses = ['OK', 'WARN', 'STALL'] as const;
    await f.store.client.insert({
      table: `${f.store.db}.lag_status`,
      format: 'JSONEachRow',
      values: Array.from({ length: 12 }, (_, i) => ({
        at: chTime(NOW - 5000),
        broker: 'kafka',
        cluster: 'paging',
        group_name: `team-${i + 1}`,
        status: statuses[i % 3] ?? 'OK',
        reason: '',
        lag: 100 - i,
        lag_seconds: i,
        consumers: 1,
        streams: ['orders'],
        state: 'Stable',
      })),
    });
    const names = (body: { groups: { group: string }[] }) => body.groups.map((g) => g.group);
    const warnOrStall = await viewerGet('/api/v1/lag?status=WARN,STALL&sort=group&limit=3&offset=2', lagResponse);
    expect(warnOrStall).toMatchObject({ total: 8, counts: { STOP: 1, STALL: 4, WARN: 4, OK: 4 } });
    // team-2, 3, 5, 6, 8, 9, 11, 12 in name order (numbers compared as numbers), from the third
    expect(names(warnOrStall)).toEqual(['team-5', 'team-6', 'team-8']);
    const lastPage = await viewerGet('/api/v1/lag?status=WARN,STALL&sort=group&limit=3&offset=6', lagResponse);
    expect(names(lastPage)).toEqual(['team-11', 'team-12']);
    // worst first: STOP, then the STALLs longest behind first
    const worst = await viewerGet('/api/v1/lag?status=STOP,STALL&sort=worst&limit=3', lagResponse);
    expect(worst.total).toBe(5);
    expect(names(worst)).toEqual(['billing', 'team-12', 'team-9']);
    expect(await viewerGet('/api/v1/lag?status=OK&q=team-1&sort=-lag', lagResponse)).toMatchObject({
      total: 2,
      counts: { OK: 2, STALL: 1, WARN: 1 },
      groups: [expect.objectContaining({ group: 'team-1' }), expect.objectContaining({ group: 'team-10' })],
    });
  });
});

describe('flows', () => {
  it('draws producers, streams and their alert state: counts over the range, msg/s over its last complete minutes', async () => {
    const MINUTE = 60_000;
    // a range ending on a minute after the seeded traffic: its last five minutes hold every seeded order
    const to = Math.ceil((NOW - 3 * MINUTE + 1000) / MINUTE) * MINUTE;
    const body = await viewerGet(`/api/v1/flows?from=${to - 3_600_000}&to=${to}`, flowsResponse);
    expect(body.rate_window).toEqual({ from: new Date(to - 5 * MINUTE).toISOString(), to: new Date(to).toISOString() });
    expect(body.nodes).toContainEqual(
      expect.objectContaining({ id: 'kafka:topic:orders', kind: 'topic', alert_state: 'firing', count: SEEDED.orders }),
    );
    expect(body.nodes).toContainEqual(expect.objectContaining({ id: 'service:shop', kind: 'producer' }));
    const edge = body.edges.find((e) => e.id === 'service:shop->kafka:topic:orders');
    expect(edge).toMatchObject({ count: SEEDED.orders, alert_state: 'firing' });
    // per second from the first order in the window to its end, not over the hour
    expect(edge?.msg_per_sec).toBeCloseTo(SEEDED.orders / ((to - row(0).broker_ts) / 1000), 5);
    expect(body.omitted).toEqual({ streams: 0, nodes: 0, edges: 0 });
    await viewerGetFails('/api/v1/flows?range=-1h', 400, 'query.range');
  });

  it('keeps at most `limit` topics and exchanges, alerts first, and says how many more there are', async () => {
    const all = await viewerGet('/api/v1/flows?range=1h', flowsResponse);
    const streams = all.nodes.filter((n) => n.kind === 'topic' || n.kind === 'exchange');
    expect(streams.length).toBeGreaterThanOrEqual(2);
    const capped = await viewerGet('/api/v1/flows?range=1h&limit=1', flowsResponse);
    expect(capped.limit).toBe(1);
    // orders has a firing rule, so payments is the one left out, with its producer
    expect(capped.nodes.filter((n) => n.kind === 'topic' || n.kind === 'exchange').map((n) => n.id)).toEqual([
      'kafka:topic:orders',
    ]);
    expect(capped.nodes.map((n) => n.id)).toContain('service:shop');
    expect(capped.nodes.map((n) => n.id)).not.toContain('service:pay');
    expect(capped.omitted.streams).toBe(streams.length - 1);
    expect(capped.omitted.nodes).toBe(all.nodes.length - capped.nodes.length);
    expect(capped.omitted.edges).toBe(all.edges.length - capped.edges.length);
    await viewerGetFails('/api/v1/flows?range=1h&limit=0', 400, 'query.limit');
  });
  it('draws a topic audited at counts (no rows, only exact counts per minute) with its count and its rate', async () => {
    const at = NOW - 2 * 60_000;
    const minute = at - (at % 60_000);
    await f.store.insertCounts(
      [
        {
          ...{ minute, broker: 'kafka', cluster: 'local', stream: 'flows.counted-topic' },
          ...{ kind: 'publish', queue: '', event_type: 'E', source: 'counted-svc', partition: 0, offset: 41 },
          ...{ count: 42, bytes: 0, last_seen: at, last_broker_ts: at, last_size: 0, last_key_hash: 0 },
        },
      ],
      'flows-counted-topic',
      5,
    );
    const body = await viewerGet('/api/v1/flows?range=1h', flowsResponse);
    const edge = body.edges.find((e) => e.id === 'service:counted-svc->kafka:topic:flows.counted-topic');
    expect(edge?.count).toBe(42);
    expect(edge?.msg_per_sec).toBeGreaterThan(0);
  });

  it('has no msg/s (null) for a path newer than the last complete minute, and 0 for one that stopped', async () => {
    const MINUTE = 60_000;
    const first = row(0).broker_ts;
    // a range ending just before the minute after the first order: the rate window closes before any order
    const to = Math.floor(first / MINUTE) * MINUTE + MINUTE - 1;
    const fresh = await viewerGet(`/api/v1/flows?from=${to - 3_600_000}&to=${to}`, flowsResponse);
    expect(Date.parse(fresh.rate_window.to)).toBeLessThanOrEqual(first);
    const edge = fresh.edges.find((e) => e.id === 'service:shop->kafka:topic:orders');
    expect(edge?.count).toBeGreaterThan(0);
    expect(edge?.msg_per_sec).toBeNull();
    const node = (id: string) => fresh.nodes.find((n) => n.id === id);
    expect(node('kafka:topic:orders')?.msg_per_sec).toBeNull();
    expect(node('service:shop')?.msg_per_sec).toBeNull();

    const at = NOW - 20 * MINUTE;
    const old = row(0, {
      stream: 'flows.stopped',
      source: 'old-svc',
      message_id: 's0',
      broker_ts: at,
      observed_at: at,
    });
    await f.store.insertEvents([old], 'flows-stopped', 4);
    const body = await viewerGet('/api/v1/flows?range=1h', flowsResponse);
    expect(body.edges.find((e) => e.id === 'service:old-svc->kafka:topic:flows.stopped')).toMatchObject({
      count: 1,
      msg_per_sec: 0,
    });
    expect(body.nodes.find((n) => n.id === 'service:old-svc')).toMatchObject({ count: 1, msg_per_sec: 0 });
  });
  it('draws deliveries counted per queue (rabbitmq.trace: publish) as an unnamed consumer of the queue', async () => {
    const at = NOW - 4 * 60_000;
    await f.store.insertEvents(
      [row(0, { broker: 'rabbitmq', stream: 'cards.counted', kind: 'publish', routed_queues: ['fraud.counted'] })],
      'flows-counted-publish',
      2,
    );
    await f.store.insertCounts(
      [
        {
          ...{ minute: at - (at % 60_000), broker: 'rabbitmq', cluster: 'local', stream: 'cards.counted' },
          ...{ kind: 'deliver', queue: 'fraud.counted', event_type: '', source: '', partition: -1, offset: 7 },
          ...{ count: 7, bytes: 0, last_seen: at, last_broker_ts: 0, last_size: 0, last_key_hash: 0 },
        },
      ],
      'flows-counted-deliveries',
      3,
    );
    const body = await viewerGet('/api/v1/flows?range=1h', flowsResponse);
    expect(
      body.edges.find((e) => e.id === 'rabbitmq:exchange:cards.counted->rabbitmq:queue:fraud.counted'),
    ).toMatchObject({
      count: 1,
    });
    expect(body.edges.find((e) => e.id === 'rabbitmq:queue:fraud.counted->service:(unnamed)')).toMatchObject({
      count: 7,
    });
  });
});

describe('demo incident switch', () => {
  it('is admin-only and says when no pilots are attached', async () => {
    await fails(await f.request('/api/v1/demo/incident', { token: VIEWER, method: 'POST' }), 403);
    const missing = await fails(await f.request('/api/v1/demo/incident', { token: ADMIN, method: 'POST' }), 404);
    expect(missing.detail).toMatch(/api\.pilots_url/);
    const state = incidentSchema.parse(await (await f.request('/api/v1/demo/incident', { token: VIEWER })).json());
    expect(state).toMatchObject({ available: false, active: false });
  });
});

describe('openapi', () => {
  it('documents every route with its parameters, body and responses', async () => {
    const doc = (await (await f.request('/api/v1/openapi.json', { token: VIEWER })).json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          { parameters: { name: string; in: string }[]; requestBody?: unknown; responses: Record<string, unknown> }
        >
      >;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/streams',
        '/api/v1/streams/{broker}/{stream}',
        '/api/v1/series',
        '/api/v1/alerts/{fingerprint}/ack',
        '/api/v1/silences/{id}',
        '/api/v1/rules/{id}/backtest',
      ]),
    );
    const series = doc.paths['/api/v1/series']?.get;
    expect(series?.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(['range', 'from', 'to', 'broker', 'by']),
    );
    expect(doc.paths['/api/v1/silences']?.post?.requestBody).toBeDefined();
    expect(Object.keys(doc.paths['/api/v1/silences']?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(['201', '400', '401', '403']),
    );
  });
});
