// The HTTP API (Hono). This first slice serves health and the read paths the CLI needs while the
// embedded store is held by the running process.
import { Hono } from 'hono';
import type { Logger } from '@rollcall/core/log';
import type { Store } from '@rollcall/core/store';
import { countEvents, listStreams } from '@rollcall/core/store/queries';
import { invalidParams, onError, problem } from './problem.ts';
import { countQuery, streamsQuery } from './params.ts';

export interface AppDeps {
  store: Store;
  log: Logger;
  now?: () => number;
  ready?: () => { ok: boolean; checks: Record<string, string> };
}

export function createApp({ store, log, now = Date.now, ready }: AppDeps): Hono {
  const app = new Hono();
  app.onError(onError(log));
  app.notFound((c) => problem(c, { type: 'about:blank', title: 'Not Found', status: 404, detail: `no route for ${c.req.method} ${c.req.path}` }));

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const checks: Record<string, string> = { ...(ready?.().checks ?? {}) };
    try {
      await store.client.query({ query: 'SELECT 1', format: 'JSONEachRow' }).then((r) => r.json());
      checks.store = 'ok';
    } catch (err) {
      checks.store = (err as Error).message;
    }
    const ok = Object.values(checks).every((v) => v === 'ok');
    return c.json({ status: ok ? 'ready' : 'not ready', checks }, ok ? 200 : 503);
  });

  app.get('/api/v1/count', async (c) => {
    const parsed = countQuery.safeParse(c.req.query());
    if (!parsed.success) return invalidParams(c, parsed.error);
    const q = parsed.data;
    const detail = await countEvents(store, {
      broker: q.broker,
      stream: q.stream,
      ...(q.event_type !== undefined ? { eventType: q.event_type } : {}),
      ...(q.kind ? { kind: q.kind } : {}),
      ...(q.since !== undefined ? { since: now() - q.since } : {}),
    });
    return c.json(detail);
  });

  app.get('/api/v1/streams', async (c) => {
    const parsed = streamsQuery.safeParse(c.req.query());
    if (!parsed.success) return invalidParams(c, parsed.error);
    const at = now();
    return c.json({ since: new Date(at - (parsed.data.since ?? 3_600_000)).toISOString(), streams: await listStreams(store, at - (parsed.data.since ?? 3_600_000), at) });
  });

  return app;
}
