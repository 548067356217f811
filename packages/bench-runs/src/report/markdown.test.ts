import { describe, expect, it } from 'vitest';
import { compareRuns } from '../compare.ts';
import { runFixture } from '../testing/fixture.ts';
import { markdownTable, renderMarkdown } from './markdown.ts';

describe('renderMarkdown', () => {
  it('reports a run on its own: results, percentiles, parameters, environment and timeline', () => {
    const md = renderMarkdown(runFixture(), null);
    expect(md.split('\n').filter((l) => l.startsWith('#'))).toEqual([
      '# Benchmark run 20250102-030405-abcd',
      '## Results',
      '## Latency percentiles',
      '## Parameters',
      '## Environment',
      '## Broker-side figures and checks',
      '## Timeline',
    ]);
    expect(md).toContain(
      '- **Scenario:** `kafka size=200 producers=1 consumers=1 rate=max acks=all idempotent=off partitions=3`',
    );
    expect(md).toContain('| produce (accepted by the broker) | 10,000 msg/s · 2.00 MB/s |');
    expect(md).toContain('| p99 | 8.00 |');
    expect(md).toContain('| p99.9 | 12.0 |');
    expect(md).toContain('| acks | all |');
    expect(md).toContain('| batch (messages per send) | 970 (default) |');
    expect(md).toContain('| records on topic | 30,000 |');
    expect(md).toContain('| 3 | 0 | 300 | 2.00 | 8.00 | 16.0 |');
  });

  it('sets the run beside its baseline and calls out regressions', () => {
    const baseline = runFixture({ id: 'base-run', produce: 20_000, p99: 4 });
    const run = runFixture({ produce: 10_000, p99: 8 });
    const md = renderMarkdown(run, compareRuns(run, baseline));
    expect(md).toContain('## Compared with baseline base-run');
    expect(md).toContain(
      "- **Regression:** produce throughput: 10,000 msg/s is 0.50× the baseline's 20,000 (limit < 0.90×)",
    );
    expect(md).toContain(
      '| produce (accepted by the broker) | **10,000 msg/s · 2.00 MB/s** | 20,000 msg/s · 4.00 MB/s | **0.50×** |',
    );
    expect(md).toContain('| p99 | **8.00** | 4.00 | **2.00×** |');
    expect(md).toContain('| latency p99 (ms) | 4.00 | **8.00** | **2.00×** | **REGRESSION (> 1.20×)** |');
  });

  it('says so when nothing regressed', () => {
    const run = runFixture();
    expect(renderMarkdown(run, compareRuns(run, runFixture({ id: 'b' })))).toContain('No regressions.');
  });
});

describe('markdownTable', () => {
  it('escapes pipes and line breaks inside cells', () => {
    expect(
      markdownTable({ head: ['a', 'b'], align: ['l', 'r'], rows: [[{ text: 'x|y' }, { text: 'one\ntwo' }]] }),
    ).toBe('| a | b |\n| --- | ---: |\n| x\\|y | one two |');
  });
});
