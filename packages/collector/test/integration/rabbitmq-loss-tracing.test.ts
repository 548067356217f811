// Tracing turned off is noticed, turned back on when the management user may, and what it did not trace is
// reported with its number: the publishes sent minus the rows stored, exactly.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from 'rabbitmq-client';
import { parseConfig } from '@rollcall/core/config';
import { openStore, type Store } from '@rollcall/core/store';
import { countEvents } from '@rollcall/core/store/queries';
import type { TapCheck } from '@rollcall/core/tap-health';
import { rabbitUrl, tempDir, uniqueName, waitUntil } from '@rollcall/core/testing/brokers';
import { vhostUrl } from '../../src/rabbitmq/firehose.ts';
import { createManagement, type Management } from '../../src/rabbitmq/management.ts';
import { deleteTapCounters } from '../../src/rabbitmq/tap-queues.ts';
import { deleteVhostByApi, guestAuth, MANAGEMENT_API, putVhost } from './management-api.ts';
import { rabbitTapConfig } from './tap-config.ts';
import { observedTap } from './test-tap.ts';

const run = promisify(execFile);
const name = uniqueName('rc-loss');
const dataDir = tempDir('rollcall-loss-it');
const admin = createManagement(MANAGEMENT_API, rabbitUrl());
const monitor = { user: `${name}-mon`, password: 'mon-pw' };

// The monitoring user stands for a tap's user without the administrator tag: it may use the vhost, not change it.
const createVhost = (vhost: string) => putVhost(vhost, { tracing: true, users: ['guest', monitor.user] });

/** Publishes with confirms at about `rate` per second until stopped; `stop` resolves with how many were confirmed. */
function publishSteadily(url: string, exchange: string, rate: number) {
  const connection = new Connection(url);
  const publisher = connection.createPublisher({
    confirm: true,
    maxAttempts: 1,
    exchanges: [{ exchange, type: 'fanout', autoDelete: true }],
  });
  let stop = false;
  let sent = 0;
  const done = (async () => {
    const started = Date.now();
    while (!stop) {
      const due = Math.floor(((Date.now() - started) / 1000) * rate);
      const batch: Promise<void>[] = [];
      for (; sent + batch.length < due;)
        batch.push(publisher.send({ exchange, routingKey: 'k', type: 'Steady' }, { n: sent + batch.length }));
      await Promise.all(batch);
      sent += batch.length;
      await new Promise((r) => setTimeout(r, 20));
    }
    await publisher.close();
    await connection.close();
    return sent;
  })();
  /** Waits until at least `n` were confirmed. */
  const reached = (n: number, what: string) =>
    waitUntil(
      async () => sent,
      (confirmed) => confirmed >= n,
      20_000,
      what,
    );
  return { reached, stop: () => ((stop = true), done) };
}

describe('RabbitMQ tracing turned off', () => {
  let store: Store;
  const vhosts: string[] = [];
  const taps: { cluster: string; vhost: string; tapQueue: string }[] = [];

  beforeAll(async () => {
    store = await openStore(parseConfig(`clickhouse: { data_dir: ${dataDir}, database: loss_it }`, 'loss').clickhouse);
    await fetch(`${MANAGEMENT_API}/api/users/${encodeURIComponent(monitor.user)}`, {
      method: 'PUT',
      headers: guestAuth,
      body: JSON.stringify({ password: monitor.password, tags: 'monitoring' }),
    });
  });

  afterAll(async () => {
    await store?.close();
    for (const t of taps) await deleteTapCounters(admin, t.cluster, t.vhost, t.tapQueue).catch(() => {});
    for (const vhost of vhosts) await deleteVhostByApi(vhost);
    await fetch(`${MANAGEMENT_API}/api/users/${encodeURIComponent(monitor.user)}`, {
      method: 'DELETE',
      headers: guestAuth,
    });
    await admin.setTracing('/', true);
  });

  async function tracedTap(suffix: string, management: Management) {
    const vhost = `${name}-${suffix}`;
    vhosts.push(vhost);
    await createVhost(vhost);
    const config = rabbitTapConfig('rabbitmq-loss-tracing.test.ts', {
      dataDir,
      database: 'loss_it',
      rabbitmq: `vhosts: ['${vhost}'], tap_queue: ${name}.tap, cluster: ${suffix}, prefetch: 500`,
    });
    taps.push({ cluster: suffix, vhost, tapQueue: `${name}.tap` });
    const changes: TapCheck[] = [];
    const { tap, lines, check } = observedTap({ config, store, management, vhost, onChange: (c) => changes.push(c) });
    await tap.start();
    const stored = (exchange: string) =>
      countEvents(store, { broker: 'rabbitmq', stream: exchange, kind: 'publish' }).then((d) => d.count);
    /** Waits until what was stored and what is reported lost add up to the `sent` publishes to `exchange`. */
    const accountedFor = (exchange: string, sent: number) =>
      waitUntil(
        async () => (await stored(exchange)) + (check()?.lost ?? 0),
        (n) => n === sent,
        60_000,
        'stored + reported lost to equal published',
      );
    return { vhost, tap, lines, changes, check, stored, accountedFor };
  }

  it(
    'reports a 30 s trace_off it may not undo as down, says so, and counts what it missed',
    { timeout: 150_000 },
    async () => {
      // A monitoring user reads every counter but may not change a vhost.
      const readOnly = createManagement(MANAGEMENT_API, `amqp://${monitor.user}:${monitor.password}@127.0.0.1:5672`);
      const { vhost, tap, lines, check, stored, accountedFor } = await tracedTap('readonly', readOnly);
      const exchange = `${name}.steady`;
      try {
        expect(check()?.up).toBe(true);
        const traffic = publishSteadily(vhostUrl(rabbitUrl(), vhost), exchange, 100);
        await traffic.reached(500, 'traffic before trace_off');
        const offAt = Date.now();
        await run('rabbitmqctl', ['trace_off', '-p', vhost]);
        const down = await waitUntil(
          async () => check(),
          (c) => c?.up === false,
          60_000,
          'the tap to be reported down',
        );
        const noticedMs = Date.now() - offAt;
        expect(down?.reason).toBe(`firehose off: tracing is off for vhost "${vhost}"`);
        expect(lines.join('\n')).toContain(`could not turn it on`);
        expect(lines.join('\n')).toContain(`rabbitmqctl trace_on -p ${vhost}`);
        await new Promise((r) => setTimeout(r, Math.max(0, 30_000 - (Date.now() - offAt)))); // the outage lasts 30 s
        await admin.setTracing(vhost, true);
        await traffic.reached(100 * 40, 'traffic after trace_on');
        const sent = await traffic.stop();
        // Whatever the firehose traced is stored; the rest is what the watch must report. Both settle a moment
        // after the traffic stops (the tap drains its queue, the watch reads the counters again): wait for them
        // to add up rather than read them once, as a loaded host showed (2,746 reported against 2,867).
        await accountedFor(exchange, sent);
        const lost = check()?.lost ?? 0;
        const storedPublishes = await stored(exchange);
        console.log(
          `trace_off noticed after ${noticedMs} ms; ${sent} published, ${storedPublishes} stored, ${lost} reported lost`,
        );
        expect(noticedMs).toBeLessThan(60_000);
        expect(lost).toBe(sent - storedPublishes);
        expect(lost).toBeGreaterThan(2_000); // ~30 s at up to 100 msg/s
        expect(lost).toBeLessThan(3_500);
        expect(check()?.up).toBe(true);
        expect(lines.join('\n')).toContain(
          `${lost} trace messages (publishes and deliveries) were never stored: tracing was off`,
        );
      } finally {
        await tap.stop();
      }
    },
  );

  it(
    'turns tracing back on when it may, says so, and counts what was missed meanwhile',
    { timeout: 120_000 },
    async () => {
      const { vhost, tap, lines, changes, check, stored, accountedFor } = await tracedTap('admin', admin);
      const exchange = `${name}.resumed`;
      try {
        const traffic = publishSteadily(vhostUrl(rabbitUrl(), vhost), exchange, 100);
        await traffic.reached(300, 'traffic before trace_off');
        const offAt = Date.now();
        await run('rabbitmqctl', ['trace_off', '-p', vhost]);
        await waitUntil(
          () => admin.tracing(vhost),
          (on) => on,
          60_000,
          'tracing to be turned back on',
        );
        const backMs = Date.now() - offAt;
        await traffic.reached(300 + 500, 'traffic after tracing is back');
        const sent = await traffic.stop();
        await accountedFor(exchange, sent);
        const storedPublishes = await stored(exchange);
        console.log(
          `tracing back on after ${backMs} ms; ${sent} published, ${storedPublishes} stored, ${check()?.lost ?? 0} reported lost`,
        );
        expect(backMs).toBeLessThan(60_000);
        expect(lines.join('\n')).toContain('turned it back on');
        expect(changes.some((c) => !c.up && c.reason.startsWith('firehose off'))).toBe(true);
        expect(check()?.up).toBe(true);
        expect(check()?.lost).toBe(sent - storedPublishes);
      } finally {
        await tap.stop();
      }
    },
  );
});
