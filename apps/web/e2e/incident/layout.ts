// People during the incident: at 1280 px no page clips a column, a cell or a button (each fits its box, and no table
// scrolls sideways inside its panel); a skip link leads to the content and focus is visible; on a phone the Streams
// and Lag lists keep the name, the state and the current value on screen. Screenshots of the lists and bench pages,
// light and dark, desktop and phone.
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { routes } from '../../src/routes.ts';
import { openSession } from '../browser.ts';
import { BenchPage } from '../pages/bench.ts';
import { LagPage } from '../pages/lag.ts';
import { RulesPage } from '../pages/rules.ts';
import { Shell, visible } from '../pages/shell.ts';
import { StreamsPage } from '../pages/streams.ts';
import { RULES } from '../platform.ts';
import type { IncidentContext } from './context.ts';

const WIDE = { width: 1280, height: 800 };
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const RANGE = '?range=15m&refresh=off';

/** Every element in the page's content that does not fit: a table wider than its panel, a cell or button whose
 * content overflows it (a cell that ellipsizes on purpose, with the full text in its title, is allowed), or
 * anything reaching past the window's right edge. */
function clipped(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''} "${(el.textContent ?? '').trim().slice(0, 40)}"`;
    const bad: string[] = [];
    const main = document.querySelector('main');
    if (!main) return ['no <main>'];
    if (document.documentElement.scrollWidth > window.innerWidth + 1)
      bad.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${window.innerWidth}`);
    for (const wrap of Array.from(main.querySelectorAll('.table-wrap'))) {
      if (wrap.scrollWidth > wrap.clientWidth + 1)
        bad.push(
          `table wider than its panel (${wrap.scrollWidth} > ${wrap.clientWidth}): ${name(wrap.closest('section')?.querySelector('h2') ?? wrap)}`,
        );
    }
    for (const el of Array.from(main.querySelectorAll('td, th, button'))) {
      const box = el.getBoundingClientRect();
      if (box.width === 0) continue; // not displayed (a phone-only column, a closed panel)
      const style = getComputedStyle(el);
      const onPurpose =
        el.querySelector('.clip[title], [title].clip') !== null ||
        (style.textOverflow === 'ellipsis' && el.hasAttribute('title'));
      if (!onPurpose && el.scrollWidth > el.clientWidth + 1 && style.overflowX !== 'visible')
        bad.push(`${name(el)} overflows (${el.scrollWidth} > ${el.clientWidth})`);
      if (box.right > window.innerWidth + 1)
        bad.push(`${name(el)} reaches past the window (${Math.round(box.right)} > ${window.innerWidth})`);
    }
    return bad;
  });
}

async function ready(page: Page) {
  await page.waitForSelector('main h1', { timeout: 30_000 });
  await new Shell(page, '').settled();
  // charts measure themselves after the first paint
  await page.waitForTimeout(300);
}

export function layoutChecks(ctx: IncidentContext): void {
  it('clips no column, cell or button on any page at 1280 px', { timeout: 180_000 }, async () => {
    const { names } = ctx.e2e;
    const { alerts } = await ctx.e2e.get<{ alerts: { fingerprint: string; rule_id: string }[] }>(
      '/api/v1/alerts?state=firing,pending',
    );
    const alert = alerts.find((a) => a.rule_id === RULES.ratio) ?? alerts[0];
    const { runs } = await ctx.e2e.get<{ runs: { id: string }[] }>('/api/v1/bench/runs');
    const paths = [
      routes.overview(),
      routes.flows(),
      routes.streams(),
      routes.stream('rabbitmq', names.exchange),
      routes.stream('kafka', names.requests),
      routes.lag(),
      routes.lagGroup('rabbitmq', ctx.e2e.queueGroup),
      routes.alerts(),
      ...(alert ? [routes.alert(alert.fingerprint)] : []),
      routes.rules(),
      routes.rule(RULES.ratio),
      routes.bench(),
      ...(runs[0] ? [routes.benchRun(runs[0].id)] : []),
    ];
    const s = await openSession(ctx.browser, { token: ctx.e2e.tokens.admin, viewport: WIDE });
    const found: Record<string, string[]> = {};
    for (const path of paths) {
      await s.page.goto(`${ctx.e2e.url}${path}${RANGE}`);
      await ready(s.page);
      const bad = await clipped(s.page);
      if (bad.length) found[path] = bad;
    }
    expect(found).toEqual({});
    expect(s.errors).toEqual([]);
    await s.context.close();
  });

  it('leads the keyboard to the content with a skip link, and shows where focus is', async () => {
    const s = await openSession(ctx.browser, { token: ctx.e2e.tokens.admin, viewport: WIDE });
    const streams = new StreamsPage(s.page, ctx.e2e.url);
    await streams.goto(RANGE);
    await visible(streams.streamLink(ctx.e2e.names.exchange));
    await s.page.keyboard.press('Tab');
    const skip = s.page.getByRole('link', { name: 'Skip to content' });
    expect(await skip.evaluate((el) => el === document.activeElement)).toBe(true);
    const box = await skip.boundingBox();
    expect(box && box.y >= 0 && box.width > 0).toBe(true);
    await s.page.keyboard.press('Enter');
    expect(await s.page.evaluate(() => document.activeElement?.id)).toBe('content');
    // the next Tab lands inside the content, on a control with a visible ring
    await s.page.keyboard.press('Tab');
    const focused = await s.page.evaluate(() => {
      const el = document.activeElement;
      const style = el ? getComputedStyle(el) : undefined;
      return { inMain: !!el?.closest('main'), outline: style ? `${style.outlineStyle} ${style.outlineWidth}` : '' };
    });
    expect(focused.inMain).toBe(true);
    expect(focused.outline).toMatch(/^solid [1-9]/);
    expect(new URL(s.page.url()).hash).toBe('');
    await s.context.close();
  });

  it('keeps the name, the state and the current value on screen on a phone', async () => {
    const s = await openSession(ctx.browser, { token: ctx.e2e.tokens.admin, viewport: PHONE });
    const within = async (selector: ReturnType<Page['locator']>) => {
      const box = await selector.boundingBox();
      return box !== null && box.x >= 0 && box.x + box.width <= PHONE.width + 1;
    };
    const streams = new StreamsPage(s.page, ctx.e2e.url);
    await streams.goto(RANGE);
    const row = streams.row(ctx.e2e.names.exchange);
    await visible(row);
    // the stream, its last minute and its change; the secondary columns are left to the detail page
    const cells = row.getByRole('cell');
    expect(await within(streams.streamLink(ctx.e2e.names.exchange))).toBe(true);
    expect(await within(cells.filter({ hasText: /msg\/s/ }).first())).toBe(true);
    expect(await within(cells.last())).toBe(true);
    const lag = new LagPage(s.page, ctx.e2e.url);
    await lag.goto(RANGE);
    const group = lag.row(ctx.e2e.queueGroup);
    await visible(group);
    expect(await within(lag.groupLink(ctx.e2e.queueGroup))).toBe(true);
    expect(await within(group.locator('.badge').first())).toBe(true);
    expect(
      await within(
        group
          .getByRole('cell')
          .filter({ hasText: /^[\d.,]+[kM]?$/ })
          .first(),
      ),
    ).toBe(true);
    await s.context.close();
  });

  it('filters, sorts and pages Streams and Lag on the server, the view kept in the URL', async () => {
    const s = await openSession(ctx.browser, { token: ctx.e2e.tokens.admin, viewport: DESKTOP });
    const streams = new StreamsPage(s.page, ctx.e2e.url);
    await streams.goto(RANGE);
    await visible(streams.streamLink(ctx.e2e.names.exchange));
    await streams.filter().fill('cards');
    await s.page.waitForURL(/q=cards/);
    await visible(streams.streamLink(ctx.e2e.names.exchange));
    // the filtered page replaces the unfiltered one once it arrives: <name>.card.requests does not contain "cards"
    await streams.streamLink(ctx.e2e.names.requests).waitFor({ state: 'detached', timeout: 15_000 });
    // the URL changes before the effect that asks the server runs, so wait for the request itself
    const sorted = s.page.waitForRequest(
      (r) => r.url().includes('/api/v1/streams?') && /q=cards/.test(r.url()) && /sort=now/.test(r.url()),
      { timeout: 15_000 },
    );
    await streams.sortBy('Last minute').click();
    await s.page.waitForURL(/sort=now/);
    expect(new URL((await sorted).url()).searchParams.get('limit')).toBe('100');
    await visible(streams.streamLink(ctx.e2e.names.exchange));

    const lag = new LagPage(s.page, ctx.e2e.url);
    await lag.goto(RANGE);
    await visible(lag.groupLink(ctx.e2e.queueGroup));
    const filtered = s.page.waitForRequest((r) => r.url().includes('/api/v1/lag?') && /status=OK/.test(r.url()), {
      timeout: 15_000,
    });
    await lag.statusFilter('OK').click();
    await s.page.waitForURL(/status=OK/);
    expect(new URL((await filtered).url()).searchParams.get('limit')).toBe('100');
    expect(s.errors).toEqual([]);
    await s.context.close();
  });

  it(
    'screenshots the lists and bench pages during the incident, light and dark, desktop and phone',
    { timeout: 240_000 },
    async () => {
      const { runs } = await ctx.e2e.get<{ runs: { id: string }[] }>('/api/v1/bench/runs');
      const pages: { name: string; path: string; ready: (page: Page) => Promise<void> }[] = [
        {
          name: 'streams',
          path: routes.streams(),
          ready: (p) => visible(new StreamsPage(p, '').streamLink(ctx.e2e.names.exchange)),
        },
        { name: 'lag', path: routes.lag(), ready: (p) => visible(new LagPage(p, '').groupLink(ctx.e2e.queueGroup)) },
        {
          name: 'lag-group',
          path: routes.lagGroup('rabbitmq', ctx.e2e.queueGroup),
          ready: (p) => visible(new LagPage(p, '').messagesChart()),
        },
        { name: 'rules', path: routes.rules(), ready: (p) => visible(new RulesPage(p, '').sparkline(RULES.ratio)) },
        { name: 'bench', path: routes.bench(), ready: (p) => visible(new BenchPage(p, '').heading()) },
        ...(runs[0]
          ? [
              {
                name: 'bench-run',
                path: routes.benchRun(runs[0].id),
                ready: (p: Page) => visible(new BenchPage(p, '').percentiles()),
              },
            ]
          : []),
      ];
      for (const [device, viewport] of [
        ['desktop', DESKTOP],
        ['phone', PHONE],
      ] as const) {
        for (const colorScheme of ['light', 'dark'] as const) {
          const s = await openSession(ctx.browser, { token: ctx.e2e.tokens.admin, viewport, colorScheme });
          for (const p of pages) {
            await s.page.goto(`${ctx.e2e.url}${p.path}${RANGE}`);
            await p.ready(s.page);
            const shell = new Shell(s.page, ctx.e2e.url);
            await shell.capture(`incident-${p.name}-${device}-${colorScheme}`);
          }
          expect(s.errors).toEqual([]);
          await s.context.close();
        }
      }
    },
  );
}
