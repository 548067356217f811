// /metrics: per-stream counters with bounded label cardinality, collector and rule metrics, and output that
// Prometheus's own checker accepts.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { countRows } from '@rollcall/core/store';
import { NOW, row, useFixture } from './fixture.ts';

const f = useFixture(async (api) => {
  await api.metrics.refreshTopStreams();
  api.metrics.stored('kafka', [row(1), row(2), row(3), row(4, { stream: 'payments', event_type: 'PaymentTaken' })], 25);
  api.metrics.insertFailed('kafka');
});

const scrape = async () => {
  const res = await f.request('/metrics');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return res.text();
};

describe('/metrics', () => {
  it('counts messages per top stream and folds the rest into "other"', async () => {
    const text = await scrape();
    // top_streams is 1 in the fixture and orders has the most traffic over the last hour.
    expect(text).toContain(
      'rollcall_messages_total{broker="kafka",stream="orders",event_type="OrderPlaced",kind="publish"} 2',
    );
    expect(text).toContain(
      'rollcall_messages_total{broker="kafka",stream="orders",event_type="OrderCancelled",kind="publish"} 1',
    );
    expect(text).toContain(
      'rollcall_messages_total{broker="kafka",stream="other",event_type="other",kind="publish"} 1',
    );
    expect(text).not.toContain('stream="payments"');
    expect(text).toContain(
      'rollcall_message_bytes_total{broker="kafka",stream="orders",event_type="OrderPlaced",kind="publish"} 400',
    );
  });

  it('reports collector batches, insert latency, failures and backlog', async () => {
    const text = await scrape();
    expect(text).toContain('rollcall_collector_batch_rows_count{tap="kafka"} 1');
    expect(text).toContain('rollcall_collector_insert_duration_seconds_bucket{le="0.025",tap="kafka"} 1');
    expect(text).toContain('rollcall_collector_insert_failures_total{tap="kafka"} 1');
    expect(text).toContain('rollcall_collector_backlog_rows{tap="kafka"} 7');
  });

  it('reports each rule’s alert state and evaluation time', async () => {
    const text = await scrape();
    expect(text).toContain('rollcall_rule_state{rule_id="orders-floor",severity="critical",type="volume"} 2');
    expect(text).toContain('rollcall_rule_state{rule_id="payments-quiet",severity="warning",type="volume"} 0');
    expect(text).toMatch(/rollcall_rule_evaluation_duration_seconds_count\{type="volume"\} 2/);
    expect(text).toContain('rollcall_process_cpu_seconds_total');
  });

  it('passes promtool check metrics', async () => {
    const text = await scrape();
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(check.error, 'promtool must be installed (Debian package prometheus; .ci/run installs it)').toBeUndefined();
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  // Last: it adds to the counters the tests above read.
  it('counts messages a counts-level tap stored as counts only, by their counts', async () => {
    // Five OrderPlaced in one event minute (NOW is any second of its minute: the minute is pinned, not NOW's).
    const minute = NOW - (NOW % 60_000) - 5 * 60_000;
    const counted = countRows(
      Array.from({ length: 5 }, (_, i) =>
        row(10 + 3 * i + 1, { size: 100, broker_ts: minute + i * 1000, observed_at: minute + i * 1000 + 3 }),
      ),
    );
    expect(counted.map((c) => [c.event_type, c.count])).toEqual([['OrderPlaced', 5]]);
    f.metrics.stored('kafka', [], 5, counted);
    const text = await scrape();
    expect(text).toContain(
      'rollcall_messages_total{broker="kafka",stream="orders",event_type="OrderPlaced",kind="publish"} 7',
    );
    expect(text).toContain(
      'rollcall_message_bytes_total{broker="kafka",stream="orders",event_type="OrderPlaced",kind="publish"} 900',
    );
    expect(text).toContain('rollcall_collector_batch_rows_sum{tap="kafka"} 9');
  });
});
