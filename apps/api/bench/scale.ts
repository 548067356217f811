// The dashboard at scale: seeds a fresh embedded store with 1,000 topics/exchanges (three hours of traffic, and
// the same hour a week earlier for baselines) and 10,000 consumer groups (six lag sampling rounds), serves the real
// app with the built dashboard over HTTP, and measures
//   - API response times of the calls the Streams, Lag and Flows pages make (and the unpaged lists, for comparison);
//   - in Debian's Chromium, for Streams, Lag and Flows: first contentful paint, the first meaningful paint (the
//     first row of data on screen), time to interactive (the meaningful paint, or the end of the last long task
//     after it) and one interaction (a sort on Streams and Lag, a search on Flows) until its result is drawn.
// Results: bench/results/scale.{json,md}.
//   npm run -w @rollcall/web build && npm run -w @rollcall/api bench:scale -- [--streams 1000] [--groups 10000] [--runs 10]
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Page } from 'playwright-core';
import { parseConfig } from '@rollcall/core/config';
import type { EventRow } from '@rollcall/core/event';
import { silentLogger } from '@rollcall/core/log';
import { chTime, openStore } from '@rollcall/core/store';
import { tempDir } from '@rollcall/core/testing/brokers';
import { createApp } from '../src/app.ts';
import { writeResults } from './results.ts';
import { percentile, timeCalls } from './timing.ts';
import { benchEvent, tableRows } from './traffic.ts';

const { values } = parseArgs({
  options: {
    streams: { type: 'string', default: '1000' },
    groups: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '10' },
    dir: { type: 'string' },
  },
});
const STREAMS = Number(values.streams);
const GROUPS = Number(values.groups);
const RUNS = Number(values.runs);
const MINUTE = 60_000;
const HOURS = 3;
const ROUNDS = 6;
const ROUND_MS = 10_000;
const BUDGET_MS = 1000;
const WEB_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));
const now = Date.now();

const dir = values.dir ?? tempDir('rollcall-scale-bench');
const store = await openStore(
  parseConfig('', 'bench', { ROLLCALL_DATA_DIR: dir, ROLLCALL_RULES_ENABLED: 'false' }).clickhouse,
);

const brokerOf = (s: number) => (s % 4 === 0 ? 'rabbitmq' : 'kafka');
const streamName = (s: number) =>
  `${['orders', 'payments', 'cards', 'shipping', 'billing'][s % 5]}.${String(s).padStart(4, '0')}`;

function event(s: number, at: number, i: number): EventRow {
  const broker = brokerOf(s);
  return benchEvent(at, i, {
    broker,
    stream: streamName(s),
    routing_key: broker === 'rabbitmq' ? `key.${i % 3}` : '',
    event_type: `Event${(s + i) % 4}`,
    source: `service-${s % 80}`,
    message_id: `m${s}-${i}`,
    schema_fingerprint: 1 + (s % 5),
  });
}

// Traffic: stream s publishes 1 + s % 3 messages a minute for the last three hours, and the same in the same hour a
// week earlier (the list's baseline).
const fillStarted = performance.now();
const count = (table: string) => tableRows(store, table);
// A store seeded by an earlier run (--dir) is measured as it is; its data ages, so reseed for a fair "now".
const seeded = (await count('events')) > 0;
const minutes = [
  ...Array.from({ length: HOURS * 60 }, (_, m) => now - (m + 1) * MINUTE),
  ...Array.from({ length: 60 }, (_, m) => now - 7 * 86_400_000 - (m + 1) * MINUTE),
];
let batch: EventRow[] = [];
let inserted = 0;
for (const [m, minute] of seeded ? [] : minutes.entries()) {
  for (let s = 0; s < STREAMS; s++)
    for (let k = 0; k <= s % 3; k++) batch.push(event(s, minute + ((s * 7 + k * 13) % 60) * 1000, m * 3 + k));
  if (batch.length >= 200_000 || m === minutes.length - 1) {
    await store.insertEvents(batch, `scale-bench-${inserted}`, inserted);
    inserted += batch.length;
    batch = [];
    process.stdout.write(`\revents ${inserted.toLocaleString('en-US')}`);
  }
}
process.stdout.write('\n');

// Lag: every group reads one topic (ten groups per topic), sampled every 10 s for a minute; one in fifty falls behind.
const STATUSES = ['OK', 'OK', 'OK', 'WARN', 'STALL', 'STOP', 'ERR'] as const;
for (let r = seeded ? -1 : ROUNDS - 1; r >= 0; r--) {
  const at = chTime(now - r * ROUND_MS);
  const statuses = [];
  const samples = [];
  for (let g = 0; g < GROUPS; g++) {
    const s = g % STREAMS;
    const behind = g % 50 === 0;
    const lag = behind ? 1000 + (g % 7) * 300 + (ROUNDS - r) * 50 : g % 5;
    const status = behind ? STATUSES[3 + (g % 4)] : 'OK';
    const broker = brokerOf(s);
    statuses.push({
      at,
      broker,
      cluster: 'bench',
      group_name: `${broker === 'kafka' ? 'group' : 'queue'}-${String(g).padStart(5, '0')}`,
      status,
      reason: behind ? `lag ${lag} and rising over 6 rounds` : 'caught up',
      lag,
      lag_seconds: behind ? lag / 10 : 0,
      consumers: 1 + (g % 3),
      streams: [streamName(s)],
      state: broker === 'kafka' ? 'Stable' : '',
    });
    const committed = 10_000 + (ROUNDS - r) * 120 + g;
    samples.push({
      at,
      broker,
      cluster: 'bench',
      group_name: `${broker === 'kafka' ? 'group' : 'queue'}-${String(g).padStart(5, '0')}`,
      stream: streamName(s),
      partition: broker === 'kafka' ? 0 : -1,
      committed: broker === 'kafka' ? committed : -1,
      log_start: broker === 'kafka' ? 0 : -1,
      log_end: broker === 'kafka' ? committed + lag : -1,
      lag,
      lag_seconds: behind ? lag / 10 : 0,
      owner: broker === 'kafka' ? `consumer-${g}` : '',
      unacked: 0,
      consumers: 1 + (g % 3),
      publish_rate: 0,
      deliver_rate: 0,
      ack_rate: 0,
    });
  }
  await store.client.insert({ table: `${store.db}.lag_status`, values: statuses, format: 'JSONEachRow' });
  await store.client.insert({ table: `${store.db}.lag_samples`, values: samples, format: 'JSONEachRow' });
}
const fillSeconds = seeded ? null : (performance.now() - fillStarted) / 1000;
if (seeded) inserted = await count('events');
process.stdout.write(
  `${inserted.toLocaleString('en-US')} events, ${(await count('lag_status')).toLocaleString('en-US')} lag rounds rows; filled in ${fillSeconds === null ? '(reused)' : `${fillSeconds.toFixed(0)} s`}\n`,
);

const config = parseConfig('', 'bench', { ROLLCALL_RULES_ENABLED: 'false', ROLLCALL_API_WEB_DIR: WEB_DIR });
const app = createApp({ config, store, log: silentLogger });
const server = await new Promise<ServerType>((resolve) => {
  const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
});
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

// The calls the three pages make (the Streams and Lag pages ask for 100 rows), then the unpaged lists.
const CALLS = [
  '/api/v1/streams?range=1h&limit=100&offset=0',
  '/api/v1/streams?range=1h&sort=-now&limit=100&offset=0',
  '/api/v1/streams?range=1h&q=cards&limit=100&offset=0',
  '/api/v1/lag?limit=100&offset=0',
  '/api/v1/lag?sort=-lag&limit=100&offset=0',
  '/api/v1/lag?status=STOP&limit=100&offset=0',
  '/api/v1/flows?range=1h',
  '/api/v1/streams?range=1h',
  '/api/v1/lag',
];
const api: { call: string; p50: number; p95: number; max: number; kb: number; status: number }[] = [];
for (const call of CALLS) {
  const { last, ...timing } = await timeCalls(RUNS, async () => {
    const res = await fetch(base + call, { headers: { 'accept-encoding': 'br, gzip' } });
    return { bytes: (await res.arrayBuffer()).byteLength, status: res.status };
  });
  api.push({ call, ...timing, kb: last.bytes / 1024, status: last.status });
  process.stdout.write(`${call}: p50 ${timing.p50.toFixed(0)} ms\n`);
}

// In the browser: each page loaded cold (a new context) RUNS / 2 times, at 1280×800.
interface PageTiming {
  fcp: number;
  meaningful: number;
  interactive: number;
  interaction: number;
}
/** Two clicks on a column header (ascending, then descending) until the server's page in that order is drawn: the
 * table draws what the response holds, so the next frame after the response is the sorted table. */
async function sortBy(page: Page, column: string, param: string) {
  const button = page.getByRole('button', { name: column });
  await button.click();
  const answered = page.waitForResponse((r) => r.url().includes(param) && r.status() === 200);
  await button.click();
  await answered;
  await page.waitForFunction((p) => location.search.includes(p), param);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

const PAGES: { name: string; path: string; data: string; interact: (page: Page) => Promise<void> }[] = [
  {
    name: 'Streams',
    path: '/streams',
    data: 'main table tbody tr',
    interact: (page) => sortBy(page, 'Last minute', 'sort=-now'),
  },
  {
    name: 'Lag',
    path: '/lag',
    data: 'main table tbody tr',
    interact: (page) => sortBy(page, 'Lag (messages)', 'sort=-lag'),
  },
  {
    name: 'Flows',
    path: '/flows',
    data: '.react-flow__node, .flow-list li',
    interact: async (page) => {
      const search = page.getByRole('searchbox').first();
      await search.fill('cards.0002');
      await page.waitForFunction(() => location.search.includes('cards.0002'));
      await page.waitForSelector('.react-flow__node');
    },
  },
];

const launch = () =>
  chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
const web: {
  page: string;
  runs: number;
  fcp: number;
  meaningful: number;
  interactive: number;
  interaction: number;
  error?: string;
}[] = [];
for (const p of PAGES) {
  const timings: PageTiming[] = [];
  let error: string | undefined;
  for (let r = 0; r < Math.max(3, Math.ceil(RUNS / 2)); r++) {
    const browser = await launch();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // The first meaningful paint is taken in the page: the frame after the first data row is in the document.
    // (Read from outside, after Playwright's waitForSelector, it was up to half a second late: its polling backs off
    // to every 500 ms.)
    await context.addInitScript((selector: string) => {
      const w = window as unknown as { __longTasks: number[]; __meaningful?: number };
      w.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push(e.startTime + e.duration);
      }).observe({ type: 'longtask', buffered: true });
      const seen = new MutationObserver(() => {
        if (!document.querySelector(selector)) return;
        seen.disconnect();
        requestAnimationFrame(() => (w.__meaningful = performance.now()));
      });
      seen.observe(document, { childList: true, subtree: true });
    }, p.data);
    const page = await context.newPage();
    try {
      await page.goto(base + p.path);
      await page.waitForSelector(p.data, { timeout: 30_000 });
      const drawn = await page.waitForFunction(() => (window as unknown as { __meaningful?: number }).__meaningful);
      const meaningful = Number(await drawn.jsonValue());
      await page.waitForTimeout(1500); // quiet time after which no long task is still to come
      const { fcp, lastLongTask } = await page.evaluate(() => ({
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0,
        lastLongTask: Math.max(0, ...(window as unknown as { __longTasks: number[] }).__longTasks),
      }));
      const t = Date.now();
      await p.interact(page);
      timings.push({ fcp, meaningful, interactive: Math.max(meaningful, lastLongTask), interaction: Date.now() - t });
    } catch (err) {
      error = err instanceof Error ? err.message.split('\n')[0] : String(err);
    }
    await browser.close();
  }
  const median = (k: keyof PageTiming) =>
    percentile(
      timings.map((x) => x[k]).sort((a, b) => a - b),
      50,
    );
  web.push({
    page: p.name,
    runs: timings.length,
    fcp: median('fcp'),
    meaningful: median('meaningful'),
    interactive: median('interactive'),
    interaction: median('interaction'),
    ...(error ? { error } : {}),
  });
  process.stdout.write(
    `${p.name}: meaningful ${median('meaningful').toFixed(0)} ms, interactive ${median('interactive').toFixed(0)} ms${error ? ` (${error})` : ''}\n`,
  );
}
server.close();
await store.close();

const COMMAND = 'npm run -w @rollcall/web build && npm run -w @rollcall/api bench:scale';
const json = {
  command: COMMAND,
  streams: STREAMS,
  groups: GROUPS,
  events: inserted,
  lag_rounds: ROUNDS,
  fill_seconds: fillSeconds,
  runs: RUNS,
  budget_ms: BUDGET_MS,
  api,
  web,
};
const ms = (n: number) => n.toFixed(0);
const md = [
  '# The dashboard at 1,000 topics and 10,000 consumer groups',
  '',
  `Generated by \`${COMMAND}\`; do not edit by hand. A fresh embedded store (chDB) seeded with ${STREAMS.toLocaleString('en-US')} streams (${inserted.toLocaleString('en-US')} events over ${HOURS} hours, and the same hour a week earlier) and ${GROUPS.toLocaleString('en-US')} consumer groups and queues (${ROUNDS} lag rounds); the real app and the built dashboard served over HTTP on loopback, on a shared 2-core machine. Budget: ${BUDGET_MS} ms.`,
  '',
  `## API (${RUNS} timed requests per call after 2 warm-up requests; br/gzip accepted)`,
  '',
  '| call | p50 ms | p95 ms | max ms | response kB | within budget (p95) |',
  '| --- | ---: | ---: | ---: | ---: | --- |',
  ...api.map(
    (r) =>
      `| \`${r.call}\` | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.max)} | ${r.kb.toFixed(1)} | ${r.status !== 200 ? `HTTP ${r.status}` : r.p95 <= BUDGET_MS ? 'yes' : 'no'} |`,
  ),
  '',
  '## Chromium (cold load in a new context at 1280×800; medians)',
  '',
  'First meaningful paint: the first frame with a row of data in the page (a table row, or a flow map node), timed in the page. Time to interactive: that paint, or the end of the last long task (>50 ms) after it when later. Interaction: a click on a sort header (twice, for descending order: Streams by Last minute, Lag by Lag (messages)) until the server’s sorted page is drawn, or a search (Flows) until its result is drawn.',
  '',
  '| page | runs | first contentful paint ms | first meaningful paint ms | time to interactive ms | interaction ms | within budget |',
  '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ...web.map(
    (w) =>
      `| ${w.page} | ${w.runs} | ${ms(w.fcp)} | ${ms(w.meaningful)} | ${ms(w.interactive)} | ${ms(w.interaction)} | ${w.error ? `error: ${w.error}` : w.interactive <= BUDGET_MS && w.interaction <= BUDGET_MS ? 'yes' : 'no'} |`,
  ),
  '',
].join('\n');
writeResults('scale', json, md);
