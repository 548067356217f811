// The outbox against the real engine and a real HTTP receiver: a receiver that is down when an alert fires
// gets the message once, late, with its original times, even across a restart of the sender.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@rollcall/core/config';
import { silentLogger } from '@rollcall/core/log';
import { openStore, type Store } from '@rollcall/core/store';
import { tempDir } from '@rollcall/core/testing/brokers';
import { insertTransitions, type Transition } from '../../src/alerts/alert-store.ts';
import { deliver } from '../../src/notify/deliver.ts';
import { verifySignature } from '../../src/notify/webhook.ts';
import { createOutbox, type OutboxDeps, type OutboxRoute } from '../../src/alerts/outbox.ts';
import { saveSilence } from '../../src/alerts/silences.ts';
import { testTransition } from './transitions.ts';

let store: Store;
beforeAll(async () => {
  store = await openStore(parseConfig('', 'test', { ROLLCALL_DATA_DIR: tempDir('rollcall-outbox') }).clickhouse);
});
afterAll(async () => {
  await store.close();
});

interface Hit {
  body: Record<string, unknown>;
  signature: string;
  raw: string;
}

async function receiver(port = 0): Promise<{ server: Server; port: number; hits: Hit[] }> {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      hits.push({
        body: JSON.parse(raw) as Record<string, unknown>,
        signature: String(req.headers['x-rollcall-signature'] ?? ''),
        raw,
      });
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0, hits };
}

const T0 = Date.parse('2026-11-23T10:00:00Z');

function transition(
  fingerprint: string,
  to: 'firing' | 'resolved',
  at: number,
  firingAt: number,
  routes: string[],
): Transition {
  return testTransition(fingerprint, to, at, {
    labels: { rule_id: `rule-${fingerprint}`, team: 'payments' },
    from_state: to === 'firing' ? 'inactive' : 'firing',
    active_at: firingAt,
    firing_at: firingAt,
    summary: 'kafka orders (publish): 3 events per 5m is below 10',
    routes,
  });
}

/** A webhook route to the receiver on `port`: no secret, no reminders unless `more` says otherwise. */
const webhookRoute = (name: string, port: number, more: Partial<OutboxRoute> = {}): OutboxRoute => ({
  name,
  type: 'webhook',
  url: `http://127.0.0.1:${port}/`,
  timeoutMs: 2000,
  repeatIntervalMs: 0,
  ...more,
});

/** An outbox over the test store that sends on `route`, reading the time from `now`. */
const outboxFor = (route: OutboxRoute, now: () => number, more: Partial<OutboxDeps> = {}) =>
  createOutbox({
    store,
    log: silentLogger,
    routes: [route],
    dashboardUrl: 'http://rollcall.test',
    deliver,
    now,
    ...more,
  });

describe('notification outbox', () => {
  it('delivers a notification owed while the receiver was down once it is back, once, with its original times', async () => {
    const { server: probe, port } = await receiver();
    await new Promise((r) => probe.close(r)); // nothing listens on this port now
    const route = webhookRoute('hook', port, { url: `http://127.0.0.1:${port}/alerts`, secret: 's3cret' });
    let clock = T0 + 1000;
    const make = () => outboxFor(route, () => clock, { maxRetryDelayMs: 100 });

    await insertTransitions(store, [transition('aa', 'firing', T0, T0, ['hook'])]);
    const first = make();
    await first.poll(); // refused: the receiver is down
    clock += 60_000;
    await first.poll();
    // the sender restarts here; whatever the first instance held in memory is gone
    const up = await receiver(port);
    clock += 60_000;
    const second = make();
    await second.poll();
    await second.poll();
    expect(up.hits).toHaveLength(1);
    const [hit] = up.hits;
    expect(hit?.body).toMatchObject({
      status: 'firing',
      starts_at: new Date(T0).toISOString(),
      at: new Date(T0).toISOString(),
      fingerprint: 'aa',
      url: 'http://rollcall.test/alerts/aa',
    });
    expect(verifySignature('s3cret', hit?.signature ?? '', hit?.raw ?? '', Math.floor(Date.now() / 1000))).toBe(true);

    await insertTransitions(store, [transition('aa', 'resolved', T0 + 300_000, T0, ['hook'])]);
    await second.poll();
    await make().poll();
    expect(up.hits.map((h) => h.body.status)).toEqual(['firing', 'resolved']);
    expect(up.hits[1]?.body).toMatchObject({
      starts_at: new Date(T0).toISOString(),
      ends_at: new Date(T0 + 300_000).toISOString(),
    });
    await new Promise((r) => up.server.close(r));
  });

  it('holds back a silenced alert, and its resolution with it', async () => {
    const up = await receiver();
    const clock = T0 + 1000;
    const outbox = outboxFor(webhookRoute('hook2', up.port), () => clock);
    await saveSilence(
      store,
      {
        matchers: [{ name: 'rule_id', value: 'rule-bb', is_regex: false, is_equal: true }],
        starts_at: T0 - 1000,
        ends_at: T0 + 3_600_000,
        created_by: 'test',
        comment: 'maintenance',
      },
      T0,
    );
    await insertTransitions(store, [
      transition('bb', 'firing', T0, T0, ['hook2']),
      transition('cc', 'firing', T0, T0, ['hook2']),
    ]);
    await outbox.poll();
    await insertTransitions(store, [transition('bb', 'resolved', T0 + 500, T0, ['hook2'])]);
    await outbox.poll();
    await outbox.poll();
    expect(up.hits.map((h) => h.body.fingerprint)).toEqual(['cc']);
    await new Promise((r) => up.server.close(r));
  });

  it('reminds about a still-firing alert every repeat_interval', async () => {
    const up = await receiver();
    let clock = T0 + 1000;
    const outbox = outboxFor(webhookRoute('hook3', up.port, { repeatIntervalMs: 3_600_000 }), () => clock);
    await insertTransitions(store, [transition('dd', 'firing', T0, T0, ['hook3'])]);
    await outbox.poll();
    clock += 1_800_000;
    await outbox.poll();
    expect(up.hits.map((h) => h.body.repeat)).toEqual([0]);
    clock += 1_800_000;
    await outbox.poll();
    await outbox.poll();
    expect(up.hits.map((h) => h.body.repeat)).toEqual([0, 1]);
    await new Promise((r) => up.server.close(r));
  });
});
