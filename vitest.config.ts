import { configDefaults, defineConfig } from 'vitest/config';

// One runner for the whole repo. Each test file runs in its own process because chDB binds one data path per
// process, and files run one at a time so broker-heavy tests do not starve each other on two cores. The dashboard's
// incident test is a project of its own: it spends most of its five minutes waiting for the incident to unfold in
// real time (a warm-up, then pending, then firing), in a RabbitMQ vhost, topics and store of its own, so
// scripts/test runs it in a second Vitest beside the suite (Vitest runs every single-worker project in one queue).
const BESIDE = ['apps/web/e2e/incident.test.ts'];

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
      { extends: true, test: { name: 'incident', include: BESIDE } },
    ],
  },
});
