// What a browser downloads, measured over the wire through the real app: the dashboard's files go out
// precompressed (brotli when accepted), JSON and /metrics compressed on the fly, and the overview's cold load
// (index.html, its scripts, preloads and styles, and the overview page's chunk with every chunk it imports) stays
// under 300 kB as transferred.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, VIEWER, type Fixture } from './fixture.ts';

const WEB_DIST = 'apps/web/dist';
const BUDGET_BYTES = 300_000;
let f: Fixture;

beforeAll(async () => {
  // npm test builds the dashboard (turbo) before Vitest; this test reads what was built.
  expect(existsSync(`${WEB_DIST}/index.html`), `${WEB_DIST} is not built: npm run -w @rollcall/web build`).toBe(true);
  f = await createFixture();
});
afterAll(() => f?.close());

const browser = { 'accept-encoding': 'gzip, deflate, br' };
const wireBytes = async (res: Response) => (await res.arrayBuffer()).byteLength;

describe('responses over the wire', () => {
  it('sends the overview cold load brotli-compressed, under 300 kB transferred in all', async () => {
    const page = await f.request('/', { headers: browser });
    expect(page.headers.get('content-encoding')).toBe('br');
    const encodedPage = Buffer.from(await page.arrayBuffer());
    const html = brotliDecompressSync(encodedPage).toString('utf8');
    expect(html).toBe(readFileSync(`${WEB_DIST}/index.html`, 'utf8'));

    const files = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1] ?? '');
    expect(files.length).toBeGreaterThan(0);
    // The overview is a page chunk of its own, fetched at start-up: it and what it imports are part of the load.
    const overview = readdirSync(`${WEB_DIST}/assets`).filter((name) => /^OverviewPage-[\w-]+\.js$/.test(name));
    expect(overview).toHaveLength(1);
    const chunks = [`/assets/${overview[0]}`];
    for (let i = 0; i < chunks.length; i++)
      for (const m of readFileSync(`${WEB_DIST}${chunks[i]}`, 'utf8').matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g))
        if (!chunks.includes(`/assets/${m[1]}`)) chunks.push(`/assets/${m[1]}`);
    for (const chunk of chunks) if (!files.includes(chunk)) files.push(chunk);
    let total = encodedPage.byteLength;
    for (const file of files) {
      const res = await f.request(file, { headers: browser });
      expect(res.status, file).toBe(200);
      expect(res.headers.get('content-encoding'), file).toBe('br');
      expect(res.headers.get('vary') ?? '', file).toMatch(/accept-encoding/i);
      total += await wireBytes(res);
    }
    console.info(`overview cold load over the wire: ${(total / 1000).toFixed(1)} kB in ${files.length + 1} responses`);
    expect(total).toBeLessThan(BUDGET_BYTES);
  });

  it('falls back to gzip, and to identity for a client that accepts no encoding', async () => {
    const [asset] = [...readFileSync(`${WEB_DIST}/index.html`, 'utf8').matchAll(/src="(\/assets\/[^"]+\.js)"/g)].map(
      (m) => m[1] ?? '',
    );
    const raw = readFileSync(`${WEB_DIST}${asset}`);
    const gz = await f.request(`${asset}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).equals(raw)).toBe(true);
    const plain = await f.request(`${asset}`);
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(Buffer.from(await plain.arrayBuffer()).equals(raw)).toBe(true);
  });

  it('compresses API answers and /metrics on the fly when the client accepts it', async () => {
    const identity = await (await f.request('/api/v1/openapi.json', { token: VIEWER })).text();
    const res = await f.request('/api/v1/openapi.json', { token: VIEWER, headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const encoded = Buffer.from(await res.arrayBuffer());
    expect(gunzipSync(encoded).toString('utf8')).toBe(identity);
    expect(encoded.byteLength).toBeLessThan(identity.length / 3);
    const metrics = await f.request('/metrics', { headers: { 'accept-encoding': 'gzip' } });
    expect(metrics.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await metrics.arrayBuffer())).toString('utf8')).toContain('rollcall_');
  });
});
