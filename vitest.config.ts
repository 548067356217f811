import { defineConfig } from 'vitest/config';

// One runner for the whole repo. Each test file runs in its own process because chDB binds one data path per
// process; integration files run one at a time so broker-heavy tests do not starve each other on two cores.
export default defineConfig({
  test: {
    include: ['{packages,apps}/*/{src,test}/**/*.test.ts', 'apps/web/e2e/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
