import { configDefaults, defineConfig } from 'vitest/config';

// One runner for the whole repo. Each test file runs in its own process because chDB binds one data path per
// process, and files run one at a time so broker-heavy tests do not starve each other on two cores. The dashboard's
// end-to-end tests are a project of their own: the incident test spends most of its eight minutes waiting for the
// incident to unfold in real time (a warm-up, then pending, then firing), and each of the three runs a platform of
// its own (RabbitMQ vhost, topics, store), so scripts/test runs them in a second Vitest beside the suite (Vitest runs
// every single-worker project in one queue). Together they take about half as long as the suite (CI: 11 against 19
// minutes), so the two end together rather than the suite waiting on either.
const BESIDE = ['apps/web/e2e/incident.test.ts', 'apps/web/e2e/dashboard.test.ts', 'apps/web/e2e/alerts.test.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['{packages,apps}/*/{src,test}/**/*.test.ts', 'apps/web/e2e/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...BESIDE],
        },
      },
      { extends: true, test: { name: 'beside', include: BESIDE } },
    ],
  },
});
