// The outbox survives kill -9 of its process: started over 30 owed notifications with a receiver that answers
// slowly, killed mid-delivery, started again. Every notification arrives; one sent twice is only one the
// process had in flight when it died, and carries the same X-Rollcall-Delivery id so a receiver can drop it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '@rollcall/core/config';
import { openStore } from '@rollcall/core/store';
import { tempDir, waitUntil } from '@rollcall/core/testing/brokers';
import { insertTransitions, transitionId, type Transition } from '../../src/alerts/alert-store.ts';

const T0 = Date.now() - 60_000;
const COUNT = 30;

const firing = (i: number): Transition => {
  const fingerprint = `k${i}`;
  return {
    id: transitionId(fingerprint, 'firing', T0 + i),
    at: T0 + i,
    fingerprint,
    rule_id: `rule-${i}`,
    rule_type: 'volume',
    description: '',
    severity: 'critical',
    labels: {},
    stream: 's',
    from_state: 'pending',
    to_state: 'firing',
    active_at: T0,
    firing_at: T0 + i,
    value: 1,
    threshold: 2,
    expected: '',
    summary: `alert ${i}`,
    details: '{}',
    routes: ['hook'],
  };
};

function startSender(dataDir: string, receiver: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./outbox-process.ts', import.meta.url))],
    {
      env: { ...process.env, OUTBOX_DATA_DIR: dataDir, OUTBOX_RECEIVER: receiver },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('started') && resolve(child));
    child.once('exit', (code) => reject(new Error(`sender exited with ${code}`)));
  });
}

describe('outbox across kill -9', () => {
  it(
    'delivers every owed notification, and repeats only in-flight ones with the same delivery id',
    { timeout: 120_000 },
    async () => {
      const dataDir = tempDir('rollcall-outbox-kill');
      const store = await openStore(parseConfig('', 'test', { ROLLCALL_DATA_DIR: dataDir }).clickhouse);
      await insertTransitions(
        store,
        Array.from({ length: COUNT }, (_, i) => firing(i)),
      );
      await store.close();

      const hits: { delivery: string; fingerprint: string }[] = [];
      let inFlight = 0;
      const receiver = createServer((req, res) => {
        let raw = '';
        req.on('data', (c: Buffer) => (raw += c.toString()));
        req.on('end', () => {
          inFlight++;
          hits.push({
            delivery: String(req.headers['x-rollcall-delivery']),
            fingerprint: String((JSON.parse(raw) as { fingerprint: string }).fingerprint),
          });
          // Slow on purpose, so the kill lands while requests are open.
          setTimeout(() => {
            inFlight--;
            res.end('ok');
          }, 150);
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      const address = receiver.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;

      const first = await startSender(dataDir, url);
      await waitUntil(
        async () => hits.length,
        (n) => n >= 8,
        60_000,
        'the first deliveries',
      );
      const openAtKill = inFlight;
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));
      const beforeRestart = hits.length;

      const second = await startSender(dataDir, url);
      try {
        await waitUntil(
          async () => new Set(hits.map((h) => h.fingerprint)).size,
          (n) => n === COUNT,
          60_000,
          'every alert to be delivered',
        );
        await new Promise((r) => setTimeout(r, 1000)); // anything sent twice after this point would show up here
      } finally {
        second.kill('SIGKILL');
        receiver.close();
      }

      const byDelivery = new Map<string, number>();
      for (const h of hits) byDelivery.set(h.delivery, (byDelivery.get(h.delivery) ?? 0) + 1);
      const repeated = [...byDelivery.entries()].filter(([, n]) => n > 1);
      console.info(
        `kill -9 after ${beforeRestart} deliveries with ${openAtKill} open; ${hits.length} requests in all, ${repeated.length} sent twice`,
      );
      expect(new Set(hits.map((h) => h.fingerprint)).size).toBe(COUNT);
      expect(byDelivery.size).toBe(COUNT);
      // Only what was delivered but not yet recorded when the process died may go again, and only once more.
      expect(repeated.every(([, n]) => n === 2)).toBe(true);
      const sentBeforeKill = new Set(hits.slice(0, beforeRestart).map((h) => h.delivery));
      expect(repeated.every(([delivery]) => sentBeforeKill.has(delivery))).toBe(true);
      expect(hits.length).toBe(COUNT + repeated.length);
    },
  );
});
