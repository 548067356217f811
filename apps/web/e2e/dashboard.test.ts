// Every page against the real server with real traffic from the brokers: each renders real data with no
// console errors, the flow map lays out the Card→Fraud chain left to right, the time range lives in the URL,
// and the layout holds at 1280 px and on a phone. Screenshots go to web/artifacts/.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, Locator, Request } from 'playwright-core';
import { waitUntil } from '@rollcall/core/testing/brokers';
import { launchBrowser, openSession, PHONE, type Session } from './browser.ts';
import { RULES, startE2ePlatform, waitForTraffic, type E2ePlatform } from './platform.ts';
import { AlertDetailPage, AlertsPage } from './pages/alerts.ts';
import { BenchPage } from './pages/bench.ts';
import { FlowMapPage } from './pages/flow-map.ts';
import { LagPage } from './pages/lag.ts';
import { OverviewPage } from './pages/overview.ts';
import { RuleDetailPage, RulesPage } from './pages/rules.ts';
import { StreamDetailPage } from './pages/stream-detail.ts';
import { visible } from './pages/shell.ts';
import { StreamsPage } from './pages/streams.ts';

const x = async (l: Locator) => (await l.boundingBox())?.x ?? Number.NaN;

describe('the dashboard on the real server', { timeout: 90_000 }, () => {
  let e2e: E2ePlatform;
  let browser: Browser;
  let s: Session;

  beforeAll(async () => {
    // two benchmark runs go into the store before the server opens it
    [e2e, browser] = await Promise.all([startE2ePlatform('rc-web', { benchmarks: true }), launchBrowser()]);
    await waitForTraffic(e2e);
    // the always-firing rule gives the alert pages something real to show
    await waitUntil(
      () => e2e.get<{ alerts: { rule_id: string; state: string }[] }>('/api/v1/alerts?state=firing'),
      (d) => d.alerts.some((a) => a.rule_id === RULES.ceiling),
      60_000,
      `${RULES.ceiling} to fire`,
    );
    s = await openSession(browser, { token: e2e.tokens.admin });
  }, 180_000);

  // each test answers for the console errors of its own pages
  beforeEach(() => {
    if (s) s.errors.length = 0;
  });

  afterAll(async () => {
    await browser?.close();
    await e2e?.stop();
  });

  it('Overview shows traffic by broker, the firing alert, drops and lag', async () => {
    const overview = new OverviewPage(s.page, e2e.url);
    await overview.goto();
    await visible(overview.heading());
    await visible(overview.alertLink(RULES.ceiling));
    await visible(overview.chartLines().first());
    // one line per broker: the pilot publishes to both
    expect(await overview.chartLines().count()).toBe(2);
    await visible(overview.worstLag());
    await overview.capture('overview');
    expect(s.errors).toEqual([]);
  });

  it('the flow map lays out the Card→Fraud chain left to right and opens a node', async () => {
    const flows = new FlowMapPage(s.page, e2e.url);
    await flows.goto();
    await visible(flows.heading());
    // the broker carries other tests' traffic too: focus on this run's chain, as an operator would
    await flows.focusInput().fill(e2e.name);
    await s.page.waitForURL(/q=/);
    const { requests, exchange, queue, scores } = e2e.names;
    const cardService = flows.node('card-service', ['producer', 'consumer', 'service']);
    const fraudService = flows.node('fraud-service', ['producer', 'consumer', 'service']);
    const nodes = [
      cardService,
      flows.node(requests, ['topic']),
      flows.node(exchange, ['exchange']),
      flows.node(queue, ['queue']),
      fraudService,
      flows.node(scores, ['topic']),
    ];
    for (const n of nodes) await visible(n);
    expect(await flows.edges().count()).toBeGreaterThanOrEqual(4);
    // one path across both brokers, drawn left to right in the order the messages travel
    const chain = [
      cardService,
      flows.node(exchange, ['exchange']),
      flows.node(queue, ['queue']),
      fraudService,
      flows.node(scores, ['topic']),
    ];
    const xs = await Promise.all(chain.map(x));
    for (let i = 1; i < xs.length; i++) expect(xs[i]).toBeGreaterThan(xs[i - 1] ?? Infinity);
    await flows.screenshot('flow-map');

    await flows.node(exchange, ['exchange']).click();
    const detail = flows.detail(exchange);
    await visible(detail);
    await detail.getByRole('link', { name: 'Open stream detail →' }).click();
    await visible(new StreamDetailPage(s.page, e2e.url).heading(exchange));
    expect(s.errors).toEqual([]);
  });

  it('Streams lists every pilot stream and Stream detail shows rates, sources, schemas, rules and recent rows', async () => {
    const streams = new StreamsPage(s.page, e2e.url);
    await streams.goto();
    await visible(streams.heading());
    for (const name of [e2e.names.requests, e2e.names.exchange, e2e.names.scores])
      await visible(streams.streamLink(name));
    await streams.capture('streams');

    const detail = new StreamDetailPage(s.page, e2e.url);
    await detail.goto('kafka', e2e.names.requests);
    await visible(detail.heading(e2e.names.requests));
    await visible(detail.eventTypes().getByRole('cell', { name: 'AuthorizationRequested', exact: true }).first());
    await visible(detail.sources().getByRole('cell', { name: 'card-service', exact: true }));
    await visible(detail.rules().getByRole('link', { name: RULES.ratio, exact: true }));
    await visible(detail.rules().getByRole('link', { name: RULES.ceiling, exact: true }));
    await visible(detail.rate().locator('.recharts-area-curve').first());
    await visible(detail.schemas().getByRole('cell', { name: 'AuthorizationRequested', exact: true }));
    expect(await detail.recent().locator('tbody tr').count()).toBeGreaterThan(10);
    // metadata only: the payload's values (merchant ids such as m-123) never reach the page
    expect(await detail.recent().textContent()).not.toMatch(/\bm-\d+\b/);
    await detail.capture('stream-detail');
    expect(s.errors).toEqual([]);
  });

  it('Lag lists the fraud queue with its status and opens its history', async () => {
    const lag = new LagPage(s.page, e2e.url);
    await lag.goto();
    await visible(lag.heading());
    await visible(lag.groupLink(e2e.queueGroup));
    await lag.capture('lag');
    await lag.groupLink(e2e.queueGroup).click();
    await visible(lag.groupHeading(e2e.queueGroup));
    await visible(lag.messagesChart());
    await lag.capture('lag-group');
    expect(s.errors).toEqual([]);
  });

  it('Alerts shows the firing alert with its duration and the history of transitions', async () => {
    const alerts = new AlertsPage(s.page, e2e.url);
    await alerts.goto();
    await visible(alerts.heading());
    await visible(alerts.row(RULES.ceiling));
    expect(await alerts.row(RULES.ceiling).textContent()).toMatch(/firing for \d+[smh]/);
    await visible(alerts.history().getByRole('link', { name: RULES.ceiling, exact: true }).first());
    await alerts.capture('alerts');
    // Its detail states the rule's evidence in words: the window as two times, never epoch milliseconds or JSON.
    await alerts.row(RULES.ceiling).getByRole('link', { name: RULES.ceiling, exact: true }).click();
    const detail = new AlertDetailPage(s.page, e2e.url);
    await visible(detail.heading(RULES.ceiling));
    expect(await detail.evidence('Window').textContent()).toMatch(
      /^([\d-]{10} )?\d\d:\d\d:\d\d – ([\d-]{10} )?\d\d:\d\d:\d\d$/,
    );
    expect(await detail.summary().textContent()).not.toMatch(/\d{13}|[{}]/);
    await detail.capture('alert-detail');
    expect(s.errors).toEqual([]);
  });

  // Its first check waits for the rule's evaluations (a minute of platform time when it runs alone), then two backtests
  it(
    'Rules shows each rule with its state and sparkline; a rule shows its YAML and a backtest',
    { timeout: 420_000 },
    async () => {
      const rules = new RulesPage(s.page, e2e.url);
      await rules.goto();
      await visible(rules.heading());
      for (const id of Object.values(RULES)) await visible(rules.ruleLink(id));
      await visible(rules.sparkline(RULES.ceiling));
      await rules.capture('rules');

      // a short range keeps the backtest small: 10s windows every 5s
      const rule = new RuleDetailPage(s.page, e2e.url);
      await rule.goto(RULES.ceiling, '?range=3m');
      await visible(rule.heading(RULES.ceiling));
      await visible(rule.definition().getByText('type: volume'));
      // the chart draws one segment per stretch of judged windows; a one-window segment is a dot, not a curve
      await visible(rule.evaluations().locator('.recharts-area-curve').filter({ visible: true }).first(), 60_000);
      await rule.runBacktest().click();
      await visible(rule.backtestChart(), 60_000);
      // pages of about a second each until the range is replayed: the button offers to run it again (36 windows, each
      // a query or two: minutes on a host loaded by the rest of the suite and the incident test beside it)
      await visible(rule.runBacktest(), 240_000);
      // the pilot always exceeds the ceiling, so the backtest shades at least one firing
      await visible(rule.backtest().locator('.recharts-reference-area').first());
      await rule.capture('rule-detail');

      // A day of 5 s windows is replayed a page at a time with its progress shown; Cancel aborts the page in
      // flight and asks for no more, keeping the windows already replayed.
      await rule.goto(RULES.ceiling, '?range=24h');
      const pages: string[] = [];
      const aborted: string[] = [];
      const asked = (r: Request) => void (r.url().includes('/backtest?') && pages.push(r.url()));
      const failed = (r: Request) =>
        void (r.url().includes('/backtest?') && aborted.push(r.failure()?.errorText ?? ''));
      s.page.on('request', asked);
      s.page.on('requestfailed', failed);
      // The second page is held until Cancel is clicked, so Cancel always finds a page in flight (pages end after
      // about a second: left alone, the click could land between one page's answer and the next one's request).
      let release = () => {};
      const released = new Promise<void>((r) => (release = r));
      const later = /\/backtest\?.*cursor=/;
      await s.page.route(later, async (route) => {
        await released;
        await route.continue().catch(() => {}); // aborted by then: nothing to continue
      });
      await rule.runBacktest().click();
      await visible(rule.backtestProgress(), 30_000);
      await waitUntil(
        () => Promise.resolve(pages.length),
        (n) => n >= 2,
        30_000,
        'a second page of the backtest',
      );
      expect(pages[1]).toContain('cursor=');
      await rule.cancelBacktest().click();
      release();
      await visible(rule.backtest().getByText(/^Cancelled after [\d,]+ of 17,2\d\d windows/));
      await visible(rule.runBacktest());
      await rule.capture('rule-detail-backtest-cancelled');
      const before = pages.length;
      await s.page.waitForTimeout(2000);
      s.page.off('request', asked);
      s.page.off('requestfailed', failed);
      await s.page.unroute(later);
      expect(pages.length).toBe(before);
      expect(aborted).toEqual(['net::ERR_ABORTED']);
      expect(s.errors).toEqual([]);
    },
  );

  it('Bench lists the runs and shows a run beside its baseline', async () => {
    const { runs } = await e2e.get<{ runs: { id: string }[] }>('/api/v1/bench/runs');
    expect(runs.length).toBeGreaterThanOrEqual(2);
    const bench = new BenchPage(s.page, e2e.url);
    await bench.goto();
    await visible(bench.heading());
    await visible(bench.runRows().first());
    expect(await bench.runRows().count()).toBe(runs.length);
    await bench.screenshot('bench');

    // newest first: the run compared with the baseline made just before it
    await bench.runs().getByRole('link').first().click();
    await visible(bench.percentiles().getByRole('cell', { name: 'p99', exact: true }));
    await visible(bench.comparison().getByRole('cell', { name: 'produce throughput', exact: true }));
    await visible(bench.throughput().locator('.recharts-area-curve').first());
    await bench.capture('bench-run');
    expect(s.errors).toEqual([]);
  });

  it('keeps the time range and refresh in the URL across pages', async () => {
    const overview = new OverviewPage(s.page, e2e.url);
    await overview.goto('?range=1h&refresh=off');
    await visible(overview.heading());
    await overview.rangePicker().selectOption('6h');
    await s.page.waitForURL(/range=6h/);
    await overview.nav('Streams').click();
    await visible(new StreamsPage(s.page, e2e.url).heading());
    const url = new URL(s.page.url());
    expect(url.pathname).toBe('/streams');
    expect(url.searchParams.get('range')).toBe('6h');
    expect(url.searchParams.get('refresh')).toBe('off');
    expect(await overview.rangePicker().inputValue()).toBe('6h');
  });

  it('switches to the dark theme and remembers it', async () => {
    const overview = new OverviewPage(s.page, e2e.url);
    await overview.goto();
    await overview.themeToggle().click();
    expect(await s.page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await s.page.reload();
    await visible(overview.alertLink(RULES.ceiling));
    expect(await s.page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await overview.capture('overview-dark');
    const flows = new FlowMapPage(s.page, e2e.url);
    await flows.goto(`?range=15m&q=${e2e.name}`);
    await visible(flows.node(e2e.names.exchange, ['exchange']));
    await flows.screenshot('flow-map-dark');
    await overview.themeToggle().click();
    expect(s.errors).toEqual([]);
  });

  it('is usable on a phone: no sideways scrolling, navigation reachable', async () => {
    const phone = await openSession(browser, { token: e2e.tokens.admin, viewport: PHONE });
    const overview = new OverviewPage(phone.page, e2e.url);
    await overview.goto();
    await visible(overview.alertLink(RULES.ceiling));
    await visible(overview.nav('Alerts'));
    await overview.settled();
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await overview.screenshot('overview-phone');
    expect(phone.errors).toEqual([]);
    await phone.context.close();
  });
});
