// `rollcall bench` against the real brokers and the real store: small runs on every Kafka version and on
// RabbitMQ, a baseline and a comparison, and the HTML report rendered in Chromium.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { chromium } from 'playwright-core';
import { createLogger, silentLogger } from '@rollcall/core/log';
import { openStore, type Store } from '@rollcall/core/store';
import { kafkaTargets, rabbitUrl, tempDir, uniqueName } from '@rollcall/core/testing/brokers';
import { runBenchCli } from '../../src/cli.ts';
import { ms } from '@rollcall/bench-runs/format';
import { compareWithBaseline, getRun, listRuns } from '@rollcall/bench-runs/store';
import type { Comparison, StoredRun } from '@rollcall/contract/bench';

const log = process.env.ROLLCALL_TEST_LOG ? createLogger('debug') : silentLogger;
const resultsDir = tempDir('rollcall-bench-results');
let store: Store;

async function bench(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runBenchCli(argv, {
    env: {},
    store,
    log,
    resultsDir,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function benchJson(...argv: string[]): Promise<{ run: StoredRun; comparison: Comparison | null; file: string }> {
  const { code, out, err } = await bench(...argv, '--json');
  expect(code, err).toBe(0);
  return JSON.parse(out) as { run: StoredRun; comparison: Comparison | null; file: string };
}

/** Exactly what was sent came back, once, and the store holds the run as it was reported. */
async function expectCompleteAndStored(reported: StoredRun) {
  const stored = await getRun(store, reported.id);
  expect(stored).not.toBeNull();
  const r = stored?.result;
  expect(r?.sent).toBeGreaterThan(0);
  expect({
    received: r?.received,
    lost: r?.lost,
    duplicates: r?.duplicates,
    failed: r?.failed,
    strays: r?.strays,
    status: stored?.status,
  }).toEqual({ received: r?.sent, lost: 0, duplicates: 0, failed: 0, strays: 0, status: 'ok' });
  expect(r?.latency.count).toBe(r?.received);
  expect(stored?.timeline.reduce((n, t) => n + t.consumed, 0)).toBe(r?.received);
  expect(stored?.scenario).toBe(reported.scenario);
  return stored as StoredRun;
}

beforeAll(async () => {
  store = await openStore({
    url: undefined,
    user: 'default',
    password: '',
    database: 'bench_it',
    data_dir: tempDir('rollcall-bench-it'),
    ttl_days: 30,
  });
});

afterAll(async () => {
  await store?.close();
});

describe.each(kafkaTargets())('rollcall bench on Kafka $version', ({ version, brokers }) => {
  it('runs a small load, stores it complete, and leaves no topic or group behind', { timeout: 60_000 }, async () => {
    const { run, file } = await benchJson(
      '--broker',
      'kafka',
      '--brokers',
      brokers.join(','),
      '--duration',
      '2s',
      '--rate',
      '300',
      '--partitions',
      '2',
      '--scenario',
      `ci-${version}`,
      '--broker-version',
      version,
    );
    const stored = await expectCompleteAndStored(run);
    // The broker's own count: with acks=all every accepted record is on the topic.
    expect(stored.result.broker.records_on_topic).toBe(stored.result.sent);
    expect(stored.environment.broker).toMatchObject({ name: 'kafka', version, nodes: 1 });
    expect(stored.params).toMatchObject({ broker: 'kafka', partitions: 2, rate: 300, acks: 'all' });
    expect(existsSync(file)).toBe(true);

    const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const topic = stored.environment.broker.detail.topic ?? '';
      expect(topic).toMatch(/^rollcall-bench-/);
      expect(await admin.listTopics()).not.toContain(topic);
      expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain(topic);
    } finally {
      await admin.disconnect();
    }
  });
});

describe('rollcall bench on RabbitMQ', () => {
  // A vhost of its own: in / the firehose may be on with other tests' taps bound, which would store (and pay
  // for) a copy of every message of the run.
  const amqp = new URL(rabbitUrl());
  const vhost = uniqueName('rc-bench');
  const management = (path: string, method = 'GET', body?: unknown) =>
    fetch(`http://${amqp.hostname}:15672${path}`, {
      method,
      headers: {
        authorization:
          'Basic ' +
          Buffer.from(`${decodeURIComponent(amqp.username)}:${decodeURIComponent(amqp.password)}`).toString('base64'),
        'content-type': 'application/json',
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  const url = Object.assign(new URL(amqp.href), { pathname: `/${encodeURIComponent(vhost)}` }).href;
  const scenarioFlags = [
    '--broker',
    'rabbitmq',
    '--url',
    url,
    '--duration',
    '2s',
    '--rate',
    '400',
    '--queues',
    '2',
    '--confirms',
    '--scenario',
    'ci',
  ];
  let first: StoredRun;
  let second: StoredRun;

  beforeAll(async () => {
    expect((await management(`/api/vhosts/${encodeURIComponent(vhost)}`, 'PUT', {})).ok).toBe(true);
    expect(
      (
        await management(`/api/permissions/${encodeURIComponent(vhost)}/${amqp.username}`, 'PUT', {
          configure: '.*',
          write: '.*',
          read: '.*',
        })
      ).ok,
    ).toBe(true);
  });

  afterAll(async () => {
    await management(`/api/vhosts/${encodeURIComponent(vhost)}`, 'DELETE');
  });

  it(
    'stores a baseline run, compares the next run with it, and can move the baseline',
    { timeout: 60_000 },
    async () => {
      const a = await benchJson(...scenarioFlags, '--baseline');
      first = await expectCompleteAndStored(a.run);
      expect(first.isBaseline).toBe(true);
      expect(a.comparison).toBeNull();

      const b = await benchJson(...scenarioFlags);
      second = await expectCompleteAndStored(b.run);
      expect(second.scenario).toBe(first.scenario);
      const c = b.comparison;
      expect(c?.baseline.id).toBe(first.id);
      const ratio = (metric: string) => c?.metrics.find((m) => m.metric === metric)?.ratio;
      expect(ratio('produce')).toBeCloseTo(second.result.produce.msgPerSec / first.result.produce.msgPerSec, 9);
      expect(ratio('p99')).toBeCloseTo(second.result.latency.p99 / first.result.latency.p99, 9);
      expect(c?.regressed).toBe(
        (ratio('produce') ?? 1) < 0.9 || (ratio('endToEnd') ?? 1) < 0.9 || (ratio('p99') ?? 1) > 1.2,
      );

      const listed = await listRuns(store, { scenario: first.scenario });
      expect(listed.map((r) => [r.id, r.isBaseline])).toEqual([
        [second.id, false],
        [first.id, true],
      ]);

      expect(await bench('baseline', second.id)).toMatchObject({
        code: 0,
        out: `${second.id} is now the baseline of "${first.scenario}"`,
      });
      expect((await compareWithBaseline(store, first))?.baseline.id).toBe(second.id);
      expect(await compareWithBaseline(store, second)).toBeNull();
      expect(await bench('baseline', 'no-such-run')).toMatchObject({
        code: 2,
        err: expect.stringContaining('no benchmark run no-such-run'),
      });

      expect(first.environment.broker.detail).toMatchObject({ vhost, tracing: 'off' });
      // The queues were deleted after each run.
      const queue = first.environment.broker.detail.queues?.split(',')[0] ?? '';
      expect(queue).toMatch(/^rollcall-bench-/);
      expect((await management(`/api/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(queue)}`)).status).toBe(
        404,
      );
      expect(
        readdirSync(join(resultsDir, 'runs')).filter((f) => f.startsWith(first.id) || f.startsWith(second.id)),
      ).toHaveLength(2);
    },
  );

  it('exports the report as Markdown and as HTML that renders in Chromium', { timeout: 60_000 }, async () => {
    const dir = tempDir('rollcall-bench-report');
    const html = join(dir, 'report.html');
    const md = join(dir, 'report.md');
    expect((await bench('show', first.id, '--html', html, '--md', md)).code).toBe(0);
    expect(readFileSync(md, 'utf8')).toContain(`## Compared with baseline ${second.id}`);

    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) problems.push(`request to ${r.url()}`);
      });
      await page.goto(`file://${html}`);
      await expect
        .poll(() => page.getByRole('heading', { level: 1, name: `Benchmark run ${first.id}` }).isVisible())
        .toBe(true);
      for (const name of [
        'Results',
        'Over time',
        'Latency percentiles',
        `Compared with baseline ${second.id}`,
        'Parameters',
        'Environment',
      ]) {
        expect(await page.getByRole('heading', { level: 2, name }).isVisible(), name).toBe(true);
      }
      const percentiles = page.locator('section[aria-labelledby="h-latency"] table');
      expect(await percentiles.isVisible()).toBe(true);
      expect(await percentiles.locator('tbody tr').count()).toBe(9);
      const p99 = percentiles.getByRole('row', { name: /^p99 / });
      expect(await p99.locator('td').nth(1).textContent()).toBe(ms(first.result.latency.p99));
      expect(await page.getByRole('img', { name: 'Throughput per second' }).isVisible()).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
