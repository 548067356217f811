// The incident on the alert, rule and overview pages: the overview shows the ratio alert pending within one
// refresh (amber tile, a badge on the Alerts nav item), then firing with the drop in words; the alert detail draws
// observed against the expected band with the firing span shaded, and its windows as a table; document.title counts
// what fires. Screenshots of overview, alerts, alert detail, rules and rule detail, light and dark, desktop and phone.
import { expect, it } from 'vitest';
import { waitUntil } from '@rollcall/core/testing/brokers';
import { openSession, type Session } from '../browser.ts';
import { AlertDetailPage, AlertsPage } from '../pages/alerts.ts';
import { OverviewPage } from '../pages/overview.ts';
import { RuleDetailPage, RulesPage } from '../pages/rules.ts';
import { visible } from '../pages/shell.ts';
import { RULES } from '../platform.ts';
import type { IncidentContext } from './context.ts';

const REFRESH_MS = 5000;
/** One refresh, plus the time to fetch and render. */
const ONE_REFRESH = REFRESH_MS + 3000;
const LIVE = `?range=15m&refresh=${REFRESH_MS / 1000}s`;
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

type ApiAlert = { fingerprint: string; rule_id: string; state: string };
const activeAlerts = (ctx: IncidentContext) =>
  ctx.e2e.get<{ alerts: ApiAlert[] }>('/api/v1/alerts?state=firing,pending').then((d) => d.alerts);

/** The overview, open and refreshing since before the alert went pending. */
let watcher: { session: Session; overview: OverviewPage } | undefined;

/** Before the incident: an overview that refreshes every 5 s, with no alert on the ratio rule yet. */
export function alertChecksBefore(ctx: IncidentContext): void {
  it('the overview is open and shows no ratio alert before the incident', async () => {
    const session = await openSession(ctx.browser, { token: ctx.e2e.tokens.admin, viewport: DESKTOP });
    const overview = new OverviewPage(session.page, ctx.e2e.url);
    await overview.goto(LIVE);
    watcher = { session, overview };
    // the alerts have loaded: strips, or the empty state (the ceiling rule may not have judged a watched window yet)
    await visible(overview.activeAlerts().locator('.strips, .state-empty').first());
    expect(await overview.alertLink(RULES.ratio).count()).toBe(0);
  });
}

/** Once the API says the ratio alert is pending. */
export function alertChecksPending(ctx: IncidentContext): void {
  it('the overview shows the ratio alert pending within one refresh: amber strip, amber tile, a pending badge on Alerts', async () => {
    if (!watcher) throw new Error('the overview was not opened before the incident');
    const { overview, session } = watcher;
    const strip = overview.alertStrip(RULES.ratio);
    await visible(strip, Math.max(1000, ctx.pendingAt + ONE_REFRESH - Date.now()));
    const state = (await activeAlerts(ctx)).find((a) => a.rule_id === RULES.ratio)?.state;
    // for: 20s keeps it pending for four evaluations; if it already fired, the strip says so
    expect(await strip.getAttribute('class')).toContain(`strip-${state ?? 'pending'}`);
    if (state === 'pending') {
      await visible(overview.nav('Alerts').getByLabel(/\d+ pending/));
      await overview.screenshot('incident-overview-pending');
    }
    expect(await strip.textContent()).toMatch(/cards \d+(\.\d)?% below card\.requests for \d+ (s|min)/);
    expect(session.errors).toEqual([]);
  });
}

/** Once the API says the ratio alert fires. */
export function alertChecksFiring(ctx: IncidentContext): void {
  it('the overview strip, the alerts list and document.title tell the firing alert', async () => {
    if (!watcher) throw new Error('the overview was not opened before the incident');
    const { overview, session } = watcher;
    const strip = overview.alertStrip(RULES.ratio);
    await waitUntil(
      async () => (await strip.getAttribute('class')) ?? '',
      (c) => c.includes('strip-firing'),
      ONE_REFRESH,
      'the strip to turn firing',
    );
    const firing = (await activeAlerts(ctx)).filter((a) => a.state === 'firing').length;
    await waitUntil(
      () => session.page.title(),
      (t) => t === `(${firing} firing) Overview · Rollcall`,
      ONE_REFRESH,
      `document.title to count ${firing} firing`,
    );
    expect(await strip.textContent()).toMatch(/cards \d+(\.\d)?% below card\.requests for \d+ (s|min)/);
    expect(await strip.textContent()).toMatch(/last confirmed \d+ (s|min)( \d+ s)? ago/);
    expect(await overview.alertsTile().getAttribute('class')).toContain('tile-bad');

    const alerts = new AlertsPage(session.page, ctx.e2e.url);
    await alerts.goto(LIVE);
    await visible(alerts.row(RULES.ratio));
    await visible(alerts.lastConfirmed(RULES.ratio));
    expect(await session.page.title()).toMatch(/^\(\d+ firing\) Alerts · Rollcall$/);
    expect(session.errors).toEqual([]);
  });

  it('the alert detail draws observed against the expected band with the firing span, and as a table', async () => {
    if (!watcher) throw new Error('the overview was not opened before the incident');
    const { session } = watcher;
    const fingerprint = (await activeAlerts(ctx)).find((a) => a.rule_id === RULES.ratio)?.fingerprint ?? '';
    const detail = new AlertDetailPage(session.page, ctx.e2e.url);
    await detail.goto(fingerprint, LIVE);
    await visible(detail.heading(RULES.ratio));
    await visible(detail.chart());
    // the band lo–hi and the observed ratio are two areas; the pending and firing spans are shaded
    await visible(detail.spans('firing').first());
    await visible(detail.spans('pending').first());
    expect(await detail.band().count()).toBe(2);
    expect(await detail.legend().textContent()).toMatch(/observed.*expected range.*breached.*clean.*pending.*firing/);
    expect(await detail.chart().getAttribute('aria-label')).toMatch(/\d+ breached/);
    await expect.poll(() => detail.summary().textContent()).toMatch(/cards \d+(\.\d)?% below card\.requests/);
    const summary = await detail.summary().textContent();
    expect(summary).not.toMatch(/missing on b/);
    // the evidence names the ratio's sides by their streams, not as a and b
    expect(summary).toMatch(/Events on \S*card\.requests/);
    expect(summary).not.toMatch(/Events on [ab](?![\w.-])/);
    // the text alternative: every window with its decision
    await detail.tableToggle().click();
    await visible(detail.windowRows().filter({ hasText: 'breached' }).first());
    await detail.tableToggle().click();
    await visible(detail.chart());
    expect(session.errors).toEqual([]);
  });

  it(
    'screenshots overview, alerts, alert detail, rules and rule detail, light and dark, desktop and phone',
    { timeout: 240_000 },
    async () => {
      const fingerprint = (await activeAlerts(ctx)).find((a) => a.rule_id === RULES.ratio)?.fingerprint ?? '';
      for (const colorScheme of ['light', 'dark'] as const) {
        for (const [device, viewport] of [
          ['desktop', DESKTOP],
          ['phone', PHONE],
        ] as const) {
          const s = await openSession(ctx.browser, { token: ctx.e2e.tokens.admin, viewport, colorScheme });
          const suffix = `${colorScheme}-${device}`;
          const overview = new OverviewPage(s.page, ctx.e2e.url);
          await overview.goto(LIVE);
          await visible(overview.alertStrip(RULES.ratio));
          await overview.capture(`incident-overview-${suffix}`);
          const alerts = new AlertsPage(s.page, ctx.e2e.url);
          await alerts.goto(LIVE);
          await visible(alerts.row(RULES.ratio));
          await alerts.capture(`incident-alerts-${suffix}`);
          const detail = new AlertDetailPage(s.page, ctx.e2e.url);
          await detail.goto(fingerprint, LIVE);
          await visible(detail.chart());
          await detail.capture(`incident-alert-detail-${suffix}`);
          const rules = new RulesPage(s.page, ctx.e2e.url);
          await rules.goto(LIVE);
          await visible(rules.ruleLink(RULES.ratio));
          await rules.capture(`incident-rules-${suffix}`);
          const rule = new RuleDetailPage(s.page, ctx.e2e.url);
          await rule.goto(RULES.ratio, LIVE);
          await visible(rule.evaluations().locator('.span-firing').first());
          await rule.capture(`incident-rule-detail-${suffix}`);
          expect(s.errors).toEqual([]);
          await s.context.close();
        }
      }
      await watcher?.session.context.close();
    },
  );
}
