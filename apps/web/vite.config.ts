import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/** Writes name.br and name.gz beside every text file of the build, at the highest levels, once: the server sends
 * them as they are (serveStatic's `precompressed`) instead of compressing on every request. */
function precompress(): Plugin {
  return {
    name: 'rollcall-precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      const dir = options.dir ?? 'dist';
      for (const name of Object.keys(bundle).filter((n) => /\.(js|css|html|svg|json)$/.test(n))) {
        const raw = readFileSync(join(dir, name));
        writeFileSync(
          join(dir, `${name}.br`),
          brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY } }),
        );
        writeFileSync(join(dir, `${name}.gz`), gzipSync(raw, { level: 9 }));
      }
    },
  };
}

// `npm run -w @rollcall/web dev` proxies the API to a running `npm start` (or ROLLCALL_API_URL).
const api = process.env.ROLLCALL_API_URL ?? 'http://127.0.0.1:8787';

export default defineConfig({
  plugins: [react(), precompress()],
  // Size is guarded by e2e/bundle-budget.test.ts (the overview's first load), not by Vite's per-chunk warning.
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 1000 },
  server: { proxy: { '/api': api, '/healthz': api, '/readyz': api } },
});
