// The HTTP API (Hono): health, /metrics, the versioned REST routes declared once in openapi.ts, and the built
// dashboard at `/`. Everything under /api/v1 passes through auth; mutating routes need the admin role.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { compress } from 'hono/compress';
import { cors } from 'hono/cors';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Config } from '@rollcall/core/config/schema';
import type { Logger } from '@rollcall/core/log';
import type { Store } from '@rollcall/core/store';
import type { Alerting } from '@rollcall/rules/rules-role';
import { authenticate, type AuthEnv } from './auth.ts';
import { localOnly } from './local-guard.ts';
import type { Metrics } from './metrics.ts';
import { createRoutes, type Routes } from './openapi.ts';
import { HttpProblem, onError, problem } from './problem.ts';
import { alertRoutes } from './routes/alerts.ts';
import type { RouteDeps } from './routes/deps.ts';
import { ruleRoutes } from './routes/rules.ts';
import { streamRoutes } from './routes/streams.ts';
import { metaRoutes } from './routes/meta.ts';
import { flowRoutes } from './routes/flows.ts';
import { lagRoutes } from './routes/lag.ts';
import { demoRoutes } from './routes/demo.ts';
import { benchRoutes } from './routes/bench.ts';

export interface AppDeps {
  config: Config;
  store: Store;
  log: Logger;
  now?: () => number;
  ready?: () => { ok: boolean; checks: Record<string, string> };
  alerting?: Alerting | undefined;
  metrics?: Metrics | undefined;
  /** RabbitMQ connection names as their clients gave them (the management API); none when absent. */
  connectionNames?: () => Promise<Map<string, string>>;
}

export function createApp({
  config,
  store,
  log,
  now = Date.now,
  ready,
  alerting,
  metrics,
  connectionNames = () => Promise.resolve(new Map()),
}: AppDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.onError(onError(log));
  // JSON, /metrics and the SPA's index.html are compressed on the fly (gzip or deflate, as the client accepts);
  // the dashboard's files are compressed once at build time (serveWeb). Registered first so it wraps every route.
  app.use('*', compress());
  const notFound = (path: string, method: string) =>
    new HttpProblem(404, 'Not Found', `no route for ${method} ${path}`);

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
  if (metrics) {
    // Scraped by Prometheus on the same network as the API; it carries no tokens, so it sits outside /api auth.
    app.get('/metrics', async (c) =>
      c.body(await metrics.text(), 200, { 'content-type': metrics.registry.contentType }),
    );
  }

  if (config.api.cors_origins.length > 0)
    app.use(
      '/api/*',
      cors({
        origin: config.api.cors_origins,
        allowHeaders: ['Authorization', 'Content-Type'],
        allowMethods: ['GET', 'POST', 'PUT', 'DELETE'],
      }),
    );
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: config.api.max_body_bytes,
      onError: () => {
        throw new HttpProblem(
          413,
          'Payload Too Large',
          `request bodies are limited to ${config.api.max_body_bytes} bytes (api.max_body_bytes)`,
        );
      },
    }),
  );
  // With no tokens every caller is a local admin; keep web pages (rebound DNS names, cross-site forms) out.
  if (config.api.tokens.length === 0) app.use('/api/*', localOnly(config.api));
  app.use('/api/*', authenticate(config.api.tokens));

  const routes: Routes = createRoutes({ title: 'Rollcall API', version: '1' });
  const deps: RouteDeps = { routes, store, config, log, now, alerting, connectionNames };
  for (const register of [
    metaRoutes,
    streamRoutes,
    alertRoutes,
    ruleRoutes,
    lagRoutes,
    flowRoutes,
    demoRoutes,
    benchRoutes,
  ])
    register(deps);
  routes.mount(app);
  app.get('/api/v1/openapi.json', (c) => c.json(routes.document()));
  app.all('/api/*', (c) => {
    throw notFound(c.req.path, c.req.method);
  });

  serveWeb(app, resolve(config.api.web_dir));
  app.notFound((c) =>
    problem(c, {
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: `no route for ${c.req.method} ${c.req.path}`,
    }),
  );
  return app;
}

/** The built dashboard: assets as files, every other GET the SPA's index.html (client-side routes). */
function serveWeb(app: Hono<AuthEnv>, dir: string): void {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) {
    app.get('/', (c) =>
      c.text(
        `The dashboard is not built (no ${index}). Run: npm run build -w @rollcall/web\nThe API is at /api/v1 (see /api/v1/openapi.json).\n`,
        200,
      ),
    );
    return;
  }
  // precompressed: the build writes .br and .gz beside each file (apps/web/vite.config.ts); the best one the
  // client accepts is sent as it is, brotli first.
  app.use(
    '/assets/*',
    serveStatic({
      root: dir,
      precompressed: true,
      onFound: (_path, c) => c.header('Cache-Control', 'public, max-age=31536000, immutable'),
    }),
  );
  app.use('*', serveStatic({ root: dir, precompressed: true }));
  app.get('*', (c) => c.html(readFileSync(index, 'utf8')));
}
