import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run -w @rollcall/web dev` proxies the API to a running `npm start` (or ROLLCALL_API_URL).
const api = process.env.ROLLCALL_API_URL ?? 'http://127.0.0.1:8787';

export default defineConfig({
  plugins: [react()],
  // Size is guarded by e2e/bundle-budget.test.ts (the overview's first load), not by Vite's per-chunk warning.
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 1000 },
  server: { proxy: { '/api': api, '/healthz': api, '/readyz': api } },
});
