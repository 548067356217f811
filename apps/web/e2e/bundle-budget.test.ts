// The overview's initial JavaScript (the entry chunk, every chunk index.html preloads with it, and the overview page's
// chunk with everything it imports) must stay under 300 kB gzip; heavy pages (flow map, bench) load on demand.
import { readdirSync, readFileSync } from 'node:fs';
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

/** A chunk and every chunk it imports statically, as paths under WEB_DIST. */
function withImports(src: string, seen = new Set<string>()): Set<string> {
  if (seen.has(src)) return seen;
  seen.add(src);
  const dir = src.slice(0, src.lastIndexOf('/') + 1);
  const code = readFileSync(join(WEB_DIST, src), 'utf8');
  for (const m of code.matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)) withImports(dir + (m[1] ?? ''), seen);
  return seen;
}

describe('the overview bundle', () => {
  it('loads under 300 kB of gzipped JavaScript, without the flow map', () => {
    const html = readFileSync(join(WEB_DIST, 'index.html'), 'utf8');
    // the overview is a page chunk too, fetched at start-up when the browser opens it
    const overview = readdirSync(join(WEB_DIST, 'assets')).filter((f) => /^OverviewPage-[\w-]+\.js$/.test(f));
    expect(overview).toHaveLength(1);
    const scripts = [
      ...new Set(
        [...initialScripts(html), `/assets/${overview[0]}`].flatMap((src) => [...withImports(src.replace(/^\//, ''))]),
      ),
    ];
    expect(scripts.length).toBeGreaterThan(2);
    const sizes = scripts.map((src) => ({ src, gzip: gzipSync(readFileSync(join(WEB_DIST, src))).length }));
    const total = sizes.reduce((sum, s) => sum + s.gzip, 0);
    console.info(`initial JS for the overview: ${(total / 1000).toFixed(1)} kB gzip`, sizes);
    expect(total).toBeLessThan(BUDGET_BYTES);
    // the graph library is the heaviest dependency; it must not be in the first load
    for (const { src } of sizes)
      expect(readFileSync(join(WEB_DIST, src), 'utf8')).not.toContain('react-flow__renderer');
  });
});
