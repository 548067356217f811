import { describe, expect, it } from 'vitest';
import { mergeRuns, renderMarkdown, type TapRun } from './report.ts';

const run = (partitions: number, date: string, ratio: number | null): TapRun => ({
  date,
  command: 'npm run -w @rollcall/bench tap',
  host: {
    cores: 2,
    cpu: 'test',
    memGiB: 8,
    platform: 'linux-x64',
    node: 'v20',
    loadAvgBefore: [0, 0, 0],
    loadAvgAfter: [0, 0, 0],
  },
  kafka: { brokers: ['127.0.0.1:9092'], clusterId: 'c', brokerCount: 1, version: null },
  messages: 1000,
  size: 200,
  partitions,
  topic: `t-${partitions}`,
  prefill: { topic: `t-${partitions}`, reused: true },
  baseline: null,
  baselineRuns: [],
  collector: null,
  collectorRuns: [],
  pairedRatios: [],
  ratio,
  steadyRatio: null,
  storedCountEqualsMessages: null,
  stageCosts: null,
});

describe('tap results', () => {
  it('keeps one run per shape, the newest, ordered by partitions', () => {
    const runs = mergeRuns(
      [run(3, '2026-01-01T00:00:00Z', 0.1), run(1, '2026-01-01T00:00:00Z', 0.2)],
      run(3, '2026-02-01T00:00:00Z', 0.3),
    );
    expect(runs.map((r) => [r.partitions, r.ratio])).toEqual([
      [1, 0.2],
      [3, 0.3],
    ]);
  });

  it('keeps the produce rate of the run that filled a reused topic', () => {
    const filled = {
      ...run(3, '2026-01-01T00:00:00Z', 0.1),
      prefill: {
        topic: 't-3',
        reused: false,
        produce: { at: '2026-01-01T00:00:00Z', ms: 40_000, msgPerSec: 25_000, batch: 2400, inFlight: 8 },
      },
    };
    const [latest] = mergeRuns([filled], run(3, '2026-02-01T00:00:00Z', 0.3));
    expect(latest?.prefill).toEqual({ topic: 't-3', reused: true, produce: filled.prefill.produce });
  });

  it('renders one table row per run', () => {
    const md = renderMarkdown([run(1, '2026-01-01T00:00:00Z', 0.25)]);
    expect(md).toContain('| 1 | 1,000 | 200 | – | – | – | 0.25 |');
  });
});
