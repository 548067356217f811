// Delivery runs per route: a receiver that takes 30 s to answer holds only its own route's messages (at most
// `perRoute` at a time), while another route's receiver gets its message at once. Two real HTTP receivers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseConfig } from '@rollcall/core/config';
import { silentLogger } from '@rollcall/core/log';
import { openStore, type Store } from '@rollcall/core/store';
import { tempDir } from '@rollcall/core/testing/brokers';
import { insertTransitions } from '../../src/alerts/alert-store.ts';
import { deliver } from '../../src/notify/deliver.ts';
import { createOutbox, type OutboxRoute } from '../../src/alerts/outbox.ts';
import { testTransition } from './transitions.ts';

const SLOW_MS = 30_000;
const PER_ROUTE = 2;

interface Receiver {
  server: Server;
  url: string;
  arrivals: { at: number; fingerprint: string }[];
  /** Requests held open (the slow receiver), answered at teardown. */
  held: ServerResponse[];
  peak: number;
}

async function receiver(holdMs: number): Promise<Receiver> {
  const r: Receiver = { server: createServer(), url: '', arrivals: [], held: [], peak: 0 };
  let open = 0;
  r.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      r.arrivals.push({
        at: Date.now(),
        fingerprint: String((JSON.parse(raw) as { fingerprint?: unknown }).fingerprint),
      });
      r.peak = Math.max(r.peak, ++open);
      const answer = () => {
        open--;
        if (!res.writableEnded) res.end();
      };
      if (holdMs === 0) return answer();
      r.held.push(res);
      setTimeout(answer, holdMs).unref();
    });
  });
  await new Promise<void>((resolve) => r.server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(r.server.address() as AddressInfo).port}/alerts`;
  return r;
}

const firing = (fingerprint: string, at: number, routes: string[]) =>
  testTransition(fingerprint, 'firing', at, { routes });

let store: Store;
let slow: Receiver;
let fast: Receiver;
beforeAll(async () => {
  store = await openStore(parseConfig('', 'test', { ROLLCALL_DATA_DIR: tempDir('rollcall-outbox-routes') }).clickhouse);
  [slow, fast] = await Promise.all([receiver(SLOW_MS), receiver(0)]);
});
afterAll(async () => {
  for (const r of [slow, fast]) {
    for (const res of r.held) if (!res.writableEnded) res.end();
    r.server.closeAllConnections();
    await new Promise((resolve) => r.server.close(resolve));
  }
  await store.close();
});

it('delivers to a fast route at once while a slow route holds its own messages, a bounded number at a time', async () => {
  const t0 = Date.now();
  // Older alerts on the slow route come first in the outbox's order; the fast route's alert is the newest.
  await insertTransitions(store, [
    ...['s1', 's2', 's3', 's4'].map((fp, i) => firing(fp, t0 - 60_000 + i * 1000, ['slow'])),
    firing('f1', t0 - 1000, ['fast']),
  ]);
  const routes: OutboxRoute[] = [
    { name: 'slow', type: 'webhook', url: slow.url, timeoutMs: SLOW_MS + 5000, repeatIntervalMs: 0 },
    { name: 'fast', type: 'webhook', url: fast.url, timeoutMs: 5000, repeatIntervalMs: 0 },
  ];
  const outbox = createOutbox({
    store,
    log: silentLogger,
    routes,
    dashboardUrl: 'http://rollcall.test',
    deliver,
    pollMs: 100,
    perRoute: PER_ROUTE,
  });
  const started = Date.now();
  outbox.start();
  try {
    while (fast.arrivals.length === 0 && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 20));
    expect(fast.arrivals.map((a) => a.fingerprint)).toEqual(['f1']);
    expect((fast.arrivals[0]?.at ?? Number.POSITIVE_INFINITY) - started).toBeLessThan(3000);
    // More passes run meanwhile: the slow route never has more than its bound in flight.
    await new Promise((r) => setTimeout(r, 1000));
    expect(slow.arrivals.length).toBe(PER_ROUTE);
    expect(slow.peak).toBe(PER_ROUTE);
  } finally {
    for (const res of slow.held) if (!res.writableEnded) res.end();
    await outbox.stop();
  }
}, 60_000);
