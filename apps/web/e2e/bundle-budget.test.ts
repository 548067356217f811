// The overview's initial JavaScript (the entry chunk and every chunk index.html preloads with it) must stay
// under 300 kB gzip; heavy pages (flow map, bench) load on demand.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { WEB_DIST } from './paths.ts';

const BUDGET_BYTES = 300_000;

function initialScripts(html: string): string[] {
  const entry = [...html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g)].map((m) => m[1] ?? '');
  const preloads = [...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)].map((m) => m[1] ?? '');
  return [...new Set([...entry, ...preloads])].filter(Boolean);
}

describe('the overview bundle', () => {
  it('loads under 300 kB of gzipped JavaScript, without the flow map', () => {
    const html = readFileSync(join(WEB_DIST, 'index.html'), 'utf8');
    const scripts = initialScripts(html);
    expect(scripts.length).toBeGreaterThan(0);
    const sizes = scripts.map((src) => ({ src, gzip: gzipSync(readFileSync(join(WEB_DIST, src))).length }));
    const total = sizes.reduce((sum, s) => sum + s.gzip, 0);
    console.info(`initial JS for the overview: ${(total / 1000).toFixed(1)} kB gzip`, sizes);
    expect(total).toBeLessThan(BUDGET_BYTES);
    // the graph library is the heaviest dependency; it must not be in the first load
    for (const { src } of sizes)
      expect(readFileSync(join(WEB_DIST, src), 'utf8')).not.toContain('react-flow__renderer');
  });
});
