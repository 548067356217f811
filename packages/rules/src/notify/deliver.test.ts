import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { deliver } from './deliver.ts';
import { DeliveryError, type Notification, type Route } from './notification.ts';
import { verifySignature } from './webhook.ts';

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A real HTTP server on 127.0.0.1 that records every request, then answers with `handler` (200 "ok" by default). */
async function receiver(
  handler: Handler = (_req, res) => res.end('ok'),
): Promise<{ origin: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      handler(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  closers.push(close);
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, received };
}

const firing: Notification = {
  id: 'tr-1/oncall/0',
  status: 'firing',
  rule: {
    id: 'fraud-scores-ratio',
    description: 'Every card event gets a fraud score',
    severity: 'critical',
    type: 'ratio',
  },
  labels: {
    team: 'payments',
    rule_id: 'fraud-scores-ratio',
    severity: 'critical',
    stream: 'rabbitmq cards (publish) → kafka fraud.scores',
  },
  fingerprint: '0123456789abcdef',
  stream: 'rabbitmq cards (publish) → kafka fraud.scores',
  observed: 0.79,
  threshold: 0.95,
  expected: 'ratio ≥ 0.95',
  summary: 'fraud.scores / cards ratio 0.79 is below 0.95 over 5m',
  startsAt: '2026-11-23T01:00:00.000Z',
  at: '2026-11-23T01:00:00.000Z',
  url: 'https://rollcall.example.com/alerts/0123456789abcdef',
  repeat: 0,
};

const resolved: Notification = {
  ...firing,
  id: 'tr-2/oncall/0',
  status: 'resolved',
  observed: 0.99,
  endsAt: '2026-11-23T01:20:00.000Z',
  at: '2026-11-23T01:20:00.000Z',
};

const route = (type: Route['type'], url: string, extra: Partial<Route> = {}): Route => ({
  name: 'oncall',
  type,
  url,
  timeoutMs: 2000,
  ...extra,
});

const only = (received: Received[]): Received => {
  expect(received).toHaveLength(1);
  const [request] = received;
  if (!request) throw new Error('no request arrived');
  return request;
};

async function deliveryError(promise: Promise<void>): Promise<DeliveryError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  if (!(error instanceof DeliveryError)) throw new Error('expected a DeliveryError');
  return error;
}

const text = z.object({ type: z.string(), text: z.string() });
const slackSchema = z.object({
  text: z.string(),
  blocks: z.array(
    z.looseObject({
      type: z.string(),
      text: text.optional(),
      fields: z.array(text).optional(),
      elements: z
        .array(
          z.looseObject({ type: z.string(), url: z.string().optional(), text: z.union([text, z.string()]).optional() }),
        )
        .optional(),
    }),
  ),
});

describe('deliver to Slack', () => {
  it('posts Block Kit with the rule, stream, observed and expected values, and a link to the alert', async () => {
    const slack = await receiver();
    await deliver(route('slack', `${slack.origin}/services/T000/B000/XXXX`), firing);

    const request = only(slack.received);
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/services/T000/B000/XXXX');
    expect(request.headers['content-type']).toBe('application/json');
    const { text: fallback, blocks } = slackSchema.parse(JSON.parse(request.body));
    expect(fallback).toContain('fraud-scores-ratio');

    const header = blocks.find((b) => b.type === 'header');
    expect(header?.text?.text).toContain('fraud-scores-ratio');
    const fields = blocks.flatMap((b) => b.fields ?? []).map((f) => f.text);
    expect(fields).toContain('*Stream*\nrabbitmq cards (publish) → kafka fraud.scores');
    expect(fields).toContain('*Observed*\n0.79');
    expect(fields).toContain('*Expected*\nratio ≥ 0.95');
    expect(fields).toContain('*Since*\n<!date^1795395600^{date_short_pretty} {time}|2026-11-23T01:00:00.000Z>');
    expect(fields.some((f) => f.startsWith('*Resolved at*'))).toBe(false);
    const button = blocks.flatMap((b) => b.elements ?? []).find((e) => e.type === 'button');
    expect(button?.url).toBe(firing.url);
  });

  it('adds when a resolved alert resolved', async () => {
    const slack = await receiver();
    await deliver(route('slack', `${slack.origin}/hook`), resolved);

    const { blocks } = slackSchema.parse(JSON.parse(only(slack.received).body));
    const fields = blocks.flatMap((b) => b.fields ?? []).map((f) => f.text);
    expect(fields).toContain('*Resolved at*\n<!date^1795396800^{date_short_pretty} {time}|2026-11-23T01:20:00.000Z>');
  });
});

const webhookSchema = z.strictObject({
  version: z.literal('1'),
  id: z.string(),
  status: z.enum(['firing', 'resolved']),
  rule: z.strictObject({ id: z.string(), description: z.string(), severity: z.string(), type: z.string() }),
  labels: z.record(z.string(), z.string()),
  fingerprint: z.string().regex(/^[0-9a-f]{16}$/),
  stream: z.string(),
  observed: z.number(),
  threshold: z.number(),
  expected: z.string(),
  summary: z.string(),
  starts_at: z.iso.datetime(),
  ends_at: z.iso.datetime().nullable(),
  at: z.iso.datetime(),
  url: z.url(),
  repeat: z.number().int(),
});

describe('deliver to a webhook', () => {
  const secret = 'whsec_test_4f1c9a';

  it('posts the versioned schema with a delivery id and a signature that verifies', async () => {
    const hook = await receiver();
    await deliver(route('webhook', `${hook.origin}/rollcall`, { secret }), firing);

    const request = only(hook.received);
    const body = webhookSchema.parse(JSON.parse(request.body));
    expect(body).toMatchObject({
      id: firing.id,
      status: 'firing',
      rule: firing.rule,
      observed: 0.79,
      threshold: 0.95,
      starts_at: firing.startsAt,
      ends_at: null,
      repeat: 0,
    });
    expect(request.headers['x-rollcall-delivery']).toBe(firing.id);

    const header = String(request.headers['x-rollcall-signature']);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const now = Math.floor(Date.now() / 1000);
    expect(verifySignature(secret, header, request.body, now)).toBe(true);
    expect(verifySignature(secret, header, request.body.replace('0.79', '0.99'), now)).toBe(false);
    expect(verifySignature('another secret', header, request.body, now)).toBe(false);
    expect(verifySignature(secret, header, request.body, now + 301)).toBe(false);
    expect(verifySignature(secret, header, request.body, now + 301, 600)).toBe(true);
  });

  it('carries ends_at for a resolved alert', async () => {
    const hook = await receiver();
    await deliver(route('webhook', `${hook.origin}/rollcall`), resolved);

    const body = webhookSchema.parse(JSON.parse(only(hook.received).body));
    expect(body.status).toBe('resolved');
    expect(body.ends_at).toBe(resolved.endsAt);
  });

  it('sends no signature without a secret, and keeps route headers', async () => {
    const hook = await receiver();
    await deliver(route('webhook', `${hook.origin}/rollcall`, { headers: { Authorization: 'Bearer abc' } }), firing);

    const { headers } = only(hook.received);
    expect(headers['x-rollcall-signature']).toBeUndefined();
    expect(headers.authorization).toBe('Bearer abc');
  });
});

const alertsSchema = z.array(
  z.strictObject({
    labels: z.record(z.string(), z.string()),
    annotations: z.record(z.string(), z.string()),
    startsAt: z.iso.datetime(),
    endsAt: z.iso.datetime().optional(),
    generatorURL: z.url(),
  }),
);

describe('deliver to Alertmanager', () => {
  it('posts a firing alert to /api/v2/alerts with string annotations and no endsAt', async () => {
    const am = await receiver();
    await deliver(
      route('alertmanager', `${am.origin}/`, { headers: { Authorization: 'Basic cm9sbGNhbGw6eA==' } }),
      firing,
    );

    const request = only(am.received);
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/api/v2/alerts');
    expect(request.headers.authorization).toBe('Basic cm9sbGNhbGw6eA==');
    const [alert] = alertsSchema.parse(JSON.parse(request.body));
    expect(alert?.labels).toMatchObject({ alertname: 'fraud-scores-ratio', severity: 'critical', team: 'payments' });
    expect(alert?.annotations).toEqual({
      summary: firing.summary,
      description: firing.rule.description,
      observed: '0.79',
      expected: 'ratio ≥ 0.95',
      threshold: '0.95',
      rollcall_id: firing.id,
    });
    expect(alert?.startsAt).toBe(firing.startsAt);
    expect(alert && 'endsAt' in alert).toBe(false);
    expect(alert?.generatorURL).toBe(firing.url);
  });

  it('sets endsAt to the resolve time, under a path prefix', async () => {
    const am = await receiver();
    await deliver(route('alertmanager', `${am.origin}/alertmanager`), resolved);

    const request = only(am.received);
    expect(request.path).toBe('/alertmanager/api/v2/alerts');
    const [alert] = alertsSchema.parse(JSON.parse(request.body));
    expect(alert?.endsAt).toBe(resolved.endsAt);
  });
});

describe('delivery errors', () => {
  const secretPath = '/services/T0001/B0001/s3cr3tT0kenValue42';

  it('retries a 5xx', async () => {
    const server = await receiver((_req, res) => {
      res.statusCode = 500;
      res.end('upstream exploded');
    });
    const error = await deliveryError(deliver(route('slack', `${server.origin}${secretPath}`), firing));
    expect(error.retriable).toBe(true);
    expect(error.message).toContain('oncall');
    expect(error.message).toContain('500');
    expect(error.message).toContain('upstream exploded');
  });

  it('does not retry a 4xx, and keeps the secret path out of the message even when the server echoes it', async () => {
    const server = await receiver((req, res) => {
      res.statusCode = 404;
      res.end(`Cannot POST ${req.url ?? ''}\n${'x'.repeat(500)}`);
    });
    const error = await deliveryError(deliver(route('slack', `${server.origin}${secretPath}`), firing));
    expect(error.retriable).toBe(false);
    expect(error.message).toContain('404');
    expect(error.message).toContain(server.origin);
    expect(error.message).toContain('Cannot POST');
    expect(error.message).not.toContain('s3cr3tT0kenValue42');
    expect(error.message).not.toContain('/services/T0001');
    expect(error.message.length).toBeLessThan(400);
  });

  it('retries 408 and 429, not 400', async () => {
    for (const [status, retriable] of [
      [400, false],
      [408, true],
      [429, true],
    ] as const) {
      const server = await receiver((_req, res) => {
        res.statusCode = status;
        res.end('no');
      });
      const error = await deliveryError(deliver(route('webhook', `${server.origin}/hook`), firing));
      expect(error.retriable, `status ${status}`).toBe(retriable);
    }
  });

  it('does not follow a redirect, which would turn the POST into a GET', async () => {
    const server = await receiver((_req, res) => {
      res.writeHead(302, { location: '/login' });
      res.end();
    });
    const error = await deliveryError(deliver(route('webhook', `${server.origin}/hook`), firing));
    expect(error.retriable).toBe(false);
    expect(error.message).toContain('302');
  });

  it('retries when the connection is refused', async () => {
    const server = await receiver();
    const closeFirst = closers.pop();
    await closeFirst?.();
    const error = await deliveryError(deliver(route('slack', `${server.origin}${secretPath}`), firing));
    expect(error.retriable).toBe(true);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).not.toContain('s3cr3tT0kenValue42');
  });

  it('retries when the receiver does not answer within timeoutMs', async () => {
    const server = await receiver(() => {
      // Never answers.
    });
    const error = await deliveryError(
      deliver(route('webhook', `${server.origin}${secretPath}`, { timeoutMs: 150 }), firing),
    );
    expect(error.retriable).toBe(true);
    expect(error.message).toContain('within 150 ms');
    expect(error.message).not.toContain('s3cr3tT0kenValue42');
    expect(server.received).toHaveLength(1);
  });

  it('refuses a malformed url without quoting it', async () => {
    const error = await deliveryError(
      deliver(route('slack', 'hooks.slack.com/services/T0001/B0001/s3cr3tT0kenValue42'), firing),
    );
    expect(error.retriable).toBe(false);
    expect(error.message).not.toContain('s3cr3tT0kenValue42');
  });
});
