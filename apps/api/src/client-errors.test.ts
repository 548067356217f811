import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { answerClientErrors } from './client-errors.ts';

let server: Server;
let port: number;
beforeAll(async () => {
  server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: () => new Response('ok'), hostname: '127.0.0.1', port: 0 }, () => resolve(s as Server));
  });
  answerClientErrors(server);
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function get(path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

it('answers a 100 kB URL with a 431 problem+json', async () => {
  const res = await get(`/api/v1/streams?stream=${'x'.repeat(100_000)}`);
  expect(res.status).toBe(431);
  expect(res.type).toBe('application/problem+json');
  expect(JSON.parse(res.body)).toMatchObject({ status: 431, title: 'Request Header Fields Too Large' });
  expect((await get('/ok')).status).toBe(200);
});
