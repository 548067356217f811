// The flow map during the incident: it opens on the failing path, readable (labels at 11 px or more on screen),
// with the cards exchange drawn red; on a phone it is a list of paths with the failing ones first.
import { expect, it } from 'vitest';
import { openSession, PHONE } from '../browser.ts';
import { FlowMapPage } from '../pages/flow-map.ts';
import { visible } from '../pages/shell.ts';
import type { IncidentContext } from './context.ts';

const DESKTOP = { width: 1440, height: 900 };
const FAILING = ['firing', 'pending'];

export function flowMapChecks(ctx: IncidentContext): void {
  it('the flow map opens on the failing path at a readable zoom, the cards exchange red', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const s = await openSession(ctx.browser, { token: ctx.e2e.tokens.admin, viewport: DESKTOP, colorScheme });
      const flows = new FlowMapPage(s.page, ctx.e2e.url);
      await flows.goto();
      const cards = flows.nodeBox(ctx.e2e.names.exchange, ['exchange']);
      await visible(cards);
      await expect.poll(() => cards.getAttribute('class'), { timeout: 20_000 }).toMatch(/\bstate-firing\b/);
      expect(await flows.inView(cards)).toBe(true);
      const { px, labels } = await flows.smallestLabelPx();
      expect(labels).toBeGreaterThanOrEqual(2);
      expect(px).toBeGreaterThanOrEqual(11);
      await visible(flows.basis());
      await flows.capture(`incident-flow-map${colorScheme === 'dark' ? '-dark' : ''}`);
      expect(s.errors).toEqual([]);
      await s.context.close();
    }
  });

  it('on a phone the flow map is a list of paths, the failing cards path among the first', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const s = await openSession(ctx.browser, { token: ctx.e2e.tokens.admin, viewport: PHONE, colorScheme });
      const flows = new FlowMapPage(s.page, ctx.e2e.url);
      await flows.goto();
      const path = flows.path(ctx.e2e.names.exchange);
      await visible(path);
      await expect.poll(() => path.getAttribute('aria-label'), { timeout: 20_000 }).toMatch(/^firing path/);
      // every path above it is failing too: failing paths come first
      const names = await flows.paths().evaluateAll((items) => items.map((li) => li.getAttribute('aria-label') ?? ''));
      const at = names.findIndex((n) => n.endsWith(`path through ${ctx.e2e.names.exchange}`));
      expect(at).toBeGreaterThanOrEqual(0);
      for (const n of names.slice(0, at)) expect(FAILING).toContain(n.split(' ')[0]);
      expect(await s.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(
        0,
      );
      await flows.capture(`incident-flow-map-phone${colorScheme === 'dark' ? '-dark' : ''}`);
      expect(s.errors).toEqual([]);
      await s.context.close();
    }
  });
}
