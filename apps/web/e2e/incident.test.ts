// The dashboard during a real incident: the Card→Fraud pilot runs through the real brokers and the real server,
// then card-service silently stops publishing 40% of visa authorizations (the demo's incident switch). Checks run
// in order, in three phases: before the incident, while its ratio alert is pending, and once it fires. Each area
// of the dashboard registers its checks from a module of its own under incident/ (one import, one call below).
// Screenshots go to apps/web/artifacts/incident-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '@rollcall/core/testing/brokers';
import { launchBrowser } from './browser.ts';
import { RULES, startE2ePlatform, waitForTraffic } from './platform.ts';
import type { IncidentContext } from './incident/context.ts';
import { alertChecksBefore, alertChecksFiring, alertChecksPending } from './incident/alerts.ts';
import { flowMapChecks } from './incident/flows.ts';
import { layoutChecks } from './incident/layout.ts';
import { streamChecks, streamChecksFiring } from './incident/streams.ts';

type AlertList = { alerts: { rule_id: string; state: string }[] };
/** Five minutes of traffic before the fault: the slices' baseline is their share over the time with data, which takes
 * in the incident as it goes on, so the minutes before it must outweigh the ones a loaded host takes to fire the
 * alert. The test runs beside the suite (scripts/test), which takes longer, so the wait costs no wall time. */
const WARM_UP_MS = 300_000;
const stateOf = (d: AlertList) => d.alerts.find((a) => a.rule_id === RULES.ratio)?.state ?? 'inactive';

describe('the dashboard during the Card→Fraud incident', { timeout: 120_000 }, () => {
  const ctx = { startedAt: 0, pendingAt: 0, firingAt: 0 } as IncidentContext;

  beforeAll(async () => {
    const begun = Date.now();
    [ctx.e2e, ctx.browser] = await Promise.all([
      startE2ePlatform('rc-incident', { benchmarks: true }),
      launchBrowser(),
    ]);
    await waitForTraffic(ctx.e2e);
    // A store this young has no week-old baseline: the slices' shares come from the minutes before the incident,
    // so the pilot runs a few of them first (it starts before the server and the benchmark runs).
    await new Promise((r) => setTimeout(r, Math.max(0, WARM_UP_MS - (Date.now() - begun))));
  }, 500_000);

  afterAll(async () => {
    await ctx.browser?.close();
    await ctx.e2e?.stop();
  });

  // ---- before the incident ----------------------------------------------------------------------------------

  alertChecksBefore(ctx);

  it('starts the incident from the demo switch', async () => {
    expect(stateOf(await ctx.e2e.get<AlertList>('/api/v1/alerts?state=firing,pending'))).toBe('inactive');
    const res = await fetch(`${ctx.e2e.url}/api/v1/demo/incident`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ctx.e2e.tokens.admin}` },
    });
    expect(res.status).toBe(200);
    ctx.startedAt = Date.now();
  });

  // ---- pending ----------------------------------------------------------------------------------------------

  // the rule judges a window only once the taps have stored past it: on a loaded host that takes a while
  it('the ratio alert goes pending', { timeout: 200_000 }, async () => {
    const state = await waitUntil(
      () => ctx.e2e.get<AlertList>('/api/v1/alerts?state=firing,pending').then(stateOf),
      (s) => s !== 'inactive',
      180_000,
      `${RULES.ratio} to go pending`,
    );
    ctx.pendingAt = Date.now();
    expect(['pending', 'firing']).toContain(state);
  });

  alertChecksPending(ctx);

  // ---- firing -----------------------------------------------------------------------------------------------

  it('the ratio alert fires', { timeout: 200_000 }, async () => {
    await waitUntil(
      () => ctx.e2e.get<AlertList>('/api/v1/alerts?state=firing').then(stateOf),
      (s) => s === 'firing',
      180_000,
      `${RULES.ratio} to fire`,
    );
    ctx.firingAt = Date.now();
  });
  streamChecksFiring(ctx);

  alertChecksFiring(ctx);

  flowMapChecks(ctx);
  streamChecks(ctx);
  layoutChecks(ctx);
});
