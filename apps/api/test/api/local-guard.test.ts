// No-token mode: every local caller is an admin, so requests from web pages (a rebound DNS name, a cross-site
// form or no-cors fetch) are refused with 403 problem+json; the dashboard's own requests and tokens mode are not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseConfig } from '@rollcall/core/config';
import { createLogger } from '@rollcall/core/log';
import { createApp } from '../../src/app.ts';
import { sha256Hex } from '../../src/auth.ts';
import { silenceSchema } from '@rollcall/contract/silences';
import { whoamiResponse } from '@rollcall/contract/meta';
import { ADMIN, createFixture, type Fixture } from './fixture.ts';

const problemSchema = z.object({ status: z.number(), title: z.string(), detail: z.string() });
const silence = { matchers: [{ name: 'alertname', value: 'orders-floor' }], duration: '1h', comment: 'maintenance' };

async function refused(res: Response, detail: RegExp): Promise<void> {
  expect(res.status).toBe(403);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(problemSchema.parse(await res.json()).detail).toMatch(detail);
}

let local: Fixture;
beforeAll(async () => {
  local = await createFixture({ tokens: false });
}, 60_000);
afterAll(async () => {
  await local.close();
});

describe('no-token mode', () => {
  it('answers loopback names and refuses a foreign Host (DNS rebinding)', async () => {
    for (const host of ['127.0.0.1:8787', 'localhost:8787', '[::1]:8787', 'LOCALHOST']) {
      expect(
        whoamiResponse.parse(await (await local.request('/api/v1/whoami', { headers: { host } })).json()).role,
      ).toBe('admin');
    }
    await refused(await local.request('/api/v1/whoami', { headers: { host: 'evil.example' } }), /Host "evil.example"/);
    await refused(
      await local.request('/api/v1/whoami', { headers: { host: '127.0.0.1.evil.example:8787' } }),
      /not this server/,
    );
    await refused(await local.request('/api/v1/whoami', { headers: { host: ':8787' } }), /not this server/);
  });

  it('refuses a cross-site state change: foreign Origin, or a body that is not JSON', async () => {
    const host = { host: '127.0.0.1:8787' };
    await refused(
      await local.request('/api/v1/demo/incident', {
        method: 'POST',
        headers: { ...host, origin: 'https://evil.example', 'content-type': 'text/plain' },
      }),
      /Origin "https:\/\/evil.example"/,
    );
    await refused(
      await local.request('/api/v1/silences', {
        method: 'POST',
        body: silence,
        headers: { ...host, origin: 'https://evil.example' },
      }),
      /cross-site POST/,
    );
    await refused(
      await local.request('/api/v1/silences', {
        method: 'POST',
        body: JSON.stringify(silence),
        headers: { ...host, 'content-type': 'text/plain' },
      }),
      /Content-Type: application\/json/,
    );
    await refused(await local.request('/api/v1/demo/incident', { method: 'POST', headers: host }), /got "none"/);
    await refused(
      await local.request('/api/v1/silences/00000000-0000-4000-8000-000000000000', {
        method: 'DELETE',
        headers: { ...host, origin: 'null' },
      }),
      /Origin "null"/,
    );
  });

  it("lets the dashboard's own requests through: same origin, JSON body, bodyless DELETE", async () => {
    const headers = { host: '127.0.0.1:8787', origin: 'http://127.0.0.1:8787' };
    const created = silenceSchema.parse(
      await (await local.request('/api/v1/silences', { method: 'POST', body: silence, headers })).json(),
    );
    const expired = await local.request(`/api/v1/silences/${created.id}`, { method: 'DELETE', headers });
    expect(expired.status).toBe(200);
    expect(silenceSchema.parse(await expired.json()).active).toBe(false);
    expect(
      (await local.request('/api/v1/silences', { method: 'POST', body: silence, headers: { host: 'localhost:5173' } }))
        .status,
    ).toBe(201);
  });
});

describe('tokens mode', () => {
  it('is unchanged: the bearer token decides, whatever Host and Origin say', async () => {
    // chDB opens one data path per process: the tokens-mode app shares the fixture's store.
    const config = parseConfig(
      `api:\n  host: 0.0.0.0\n  tokens:\n    - { name: oncall, role: admin, sha256: ${sha256Hex(ADMIN)} }\n`,
      'tokens.yaml',
      {},
    );
    const app = createApp({ config, store: local.store, log: createLogger('error') });
    const headers = { authorization: `Bearer ${ADMIN}`, host: 'rollcall.internal', origin: 'https://evil.example' };
    expect(whoamiResponse.parse(await (await app.request('/api/v1/whoami', { headers })).json()).role).toBe('admin');
    const created = await app.request('/api/v1/silences', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(silence),
    });
    expect(created.status).toBe(201);
    expect((await app.request('/api/v1/whoami', { headers: { host: 'rollcall.internal' } })).status).toBe(401);
  });
});
