// A hostile rule file (10 MB) dropped into rules.d while the API serves: the loader refuses it unread, so /healthz
// keeps answering promptly, the file's problem is listed, and the rules already loaded keep running.
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseConfig } from '@rollcall/core/config';
import { createLogger } from '@rollcall/core/log';
import { openStore, type Store } from '@rollcall/core/store';
import { tempDir } from '@rollcall/core/testing/brokers';
import { createAlerting, type Alerting } from '@rollcall/rules/alerting';
import { createApp } from '../../src/app.ts';
import { rulesResponse } from '../../src/routes/rules.ts';
import { RULES } from './fixture.ts';

let store: Store;
let alerting: Alerting;
let server: ServerType;
let base: string;
let rulesDir: string;

beforeAll(async () => {
  const dir = tempDir('rollcall-rule-files');
  rulesDir = join(dir, 'rules.d');
  mkdirSync(rulesDir);
  writeFileSync(join(rulesDir, 'shop.yaml'), RULES);
  const config = parseConfig('rules:\n  reload: 50ms\n', 'test.yaml', { ROLLCALL_DATA_DIR: join(dir, 'data'), ROLLCALL_RULES_DIR: rulesDir });
  store = await openStore(config.clickhouse);
  const log = createLogger('error');
  alerting = createAlerting({ config, store, log, dashboardUrl: 'http://rollcall.test' });
  alerting.files.start();
  const app = createApp({ config, store, log, alerting });
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  alerting.files.stop();
  await new Promise((resolve) => server.close(resolve));
  await store.close();
});

it('keeps /healthz under 200 ms while a 10 MB rule file is loaded, and reports the file', async () => {
  writeFileSync(join(rulesDir, 'huge.yaml'), `rules:\n${'  - { id: x, type: volume, match: { stream: s }, min: 1 }\n'.repeat(180_000)}`);
  let slowest = 0;
  const until = Date.now() + 1500;
  while (Date.now() < until) {
    const started = performance.now();
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    slowest = Math.max(slowest, performance.now() - started);
  }
  expect(slowest).toBeLessThan(200);
  const body = rulesResponse.parse(await (await fetch(`${base}/api/v1/rules`)).json());
  expect(body.rules.map((r) => r.id).sort()).toEqual(['orders-floor', 'payments-quiet']);
  expect(body.errors).toEqual([{ file: 'huge.yaml', message: expect.stringMatching(/huge\.yaml: \d+ kB; rule files are limited to 256 kB/) }]);
});
