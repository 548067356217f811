// Tracing turned off on the broker, seen from the outside: /readyz not ready, rollcall_tap_up 0 and the
// rollcall-tap-health alert firing within a minute, for a tap whose user may not turn tracing back on; ready
// again once someone does.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rabbitUrl, tempDir, uniqueName, waitUntil } from '@rollcall/core/testing/brokers';
import type { Platform } from '../../src/platform.ts';
import { startTestPlatform } from './platform.ts';

const run = promisify(execFile);
const name = uniqueName('rc-traceoff');
const vhost = name;
const user = { name: `${name}-mon`, password: 'mon-pw' };

describe('tracing turned off', () => {
  let platform: Platform;
  const ready = () =>
    fetch(`${platform.url}/readyz`).then(async (r) => ({
      status: r.status,
      checks: ((await r.json()) as { checks: Record<string, string> }).checks,
    }));
  const healthAlert = () =>
    fetch(`${platform.url}/api/v1/alerts?state=firing,pending,resolved`)
      .then((r) => r.json() as Promise<{ alerts: { rule_id: string; state: string; summary: string }[] }>)
      .then((b) =>
        b.alerts.find((a) => a.rule_id === 'rollcall-tap-health' && a.summary.includes(`rabbitmq/${vhost}`)),
      );

  beforeAll(async () => {
    await run('rabbitmqctl', ['add_vhost', vhost]);
    await run('rabbitmqctl', ['add_user', user.name, user.password]);
    // A monitoring user, not an administrator: it may use the vhost but not switch tracing back on.
    await run('rabbitmqctl', ['set_user_tags', user.name, 'monitoring']);
    await run('rabbitmqctl', ['set_permissions', '-p', vhost, user.name, '.*', '.*', '.*']);
    await run('rabbitmqctl', ['trace_on', '-p', vhost]);
    const url = new URL(rabbitUrl());
    url.username = user.name;
    url.password = user.password;
    platform = await startTestPlatform({
      name,
      dir: tempDir('rollcall-trace-off'),
      file: 'trace-off.test.ts',
      level: 'error',
      env: {
        ROLLCALL_KAFKA_ENABLED: 'false',
        ROLLCALL_LAG_ENABLED: 'false',
        ROLLCALL_RULES_DIR: tempDir('rollcall-trace-off-rules'),
        ROLLCALL_RABBITMQ_URL: url.toString(),
        ROLLCALL_RABBITMQ_VHOSTS: vhost,
      },
    });
  }, 90_000);

  afterAll(async () => {
    await platform?.stop();
    await run('rabbitmqctl', ['delete_vhost', vhost]).catch(() => {});
    await run('rabbitmqctl', ['delete_user', user.name]).catch(() => {});
  });

  it(
    'is not ready and fires the tap-health alert within a minute, and recovers once tracing is back on',
    { timeout: 150_000 },
    async () => {
      await run('rabbitmqctl', ['trace_off', '-p', vhost]);
      const off = Date.now();
      const notReady = await waitUntil(ready, (r) => r.status === 503, 30_000, '/readyz to notice tracing off');
      expect(notReady.checks[`rabbitmq/${vhost}`]).toMatch(/tracing is off/);
      const metrics = await fetch(`${platform.url}/metrics`).then((r) => r.text());
      expect(metrics).toContain(`rollcall_tap_up{tap="rabbitmq/${vhost}"} 0`);
      await waitUntil(healthAlert, (a) => a?.state === 'firing', 60_000, 'the tap-health alert to fire');
      expect(Date.now() - off).toBeLessThan(60_000);

      await run('rabbitmqctl', ['trace_on', '-p', vhost]);
      await waitUntil(ready, (r) => r.status === 200, 30_000, '/readyz ready again');
      await waitUntil(healthAlert, (a) => a?.state === 'resolved', 30_000, 'the tap-health alert to resolve');
    },
  );
});
