// A complete, plausible run for the pure tests of comparisons and reports. Test-only.
import type { BenchRun } from '@rollcall/contract/bench';

export function runFixture(
  over: {
    id?: string;
    produce?: number;
    endToEnd?: number;
    p50?: number;
    p99?: number;
    lost?: number;
    duplicates?: number;
    scenario?: string;
  } = {},
): BenchRun {
  const produce = over.produce ?? 10_000;
  const endToEnd = over.endToEnd ?? produce;
  const p99 = over.p99 ?? 8;
  const p50 = over.p50 ?? 2;
  const lost = over.lost ?? 0;
  const duplicates = over.duplicates ?? 0;
  const mb = (msgPerSec: number) => (msgPerSec * 200) / 1e6;
  return {
    id: over.id ?? '20250102-030405-abcd',
    startedAt: '2025-01-02T03:04:05.000Z',
    scenario: over.scenario ?? 'kafka size=200 producers=1 consumers=1 rate=max acks=all idempotent=off partitions=3',
    label: '',
    broker: 'kafka',
    status: lost || duplicates ? 'lossy' : 'ok',
    params: {
      broker: 'kafka',
      target: '127.0.0.1:9092',
      producers: 1,
      consumers: 1,
      size: 200,
      rate: 0,
      durationMs: 3000,
      drainMs: 15_000,
      acks: 'all',
      idempotent: false,
      partitions: 3,
      tuning: {},
      effective: { batch: 970, inFlight: 4, prefetch: 1000 },
      thresholds: { maxDrop: 0.1, maxP99Rise: 0.2 },
    },
    environment: {
      broker: { name: 'kafka', version: '4.1.2', nodes: 1, detail: { clusterId: 'abc' } },
      host: {
        hostname: 'bench-1',
        cores: 2,
        cpu: 'Test CPU',
        memGiB: 8,
        platform: 'linux-x64',
        node: 'v20.0.0',
        loadAvgBefore: [0.5, 0.4, 0.3],
        loadAvgAfter: [1.5, 0.6, 0.4],
      },
      rollcall: { command: 'rollcall bench --broker kafka --duration 3s' },
    },
    result: {
      sent: produce * 3,
      failed: 0,
      received: produce * 3 - lost,
      duplicates,
      lost,
      unconfirmed: 0,
      strays: 0,
      produce: { msgPerSec: produce, mbPerSec: mb(produce), seconds: 3 },
      endToEnd: { msgPerSec: endToEnd, mbPerSec: mb(endToEnd), seconds: 3.1 },
      latency: {
        count: produce * 3,
        min: 0.4,
        mean: p50 * 1.2,
        p50,
        p75: p50 * 1.5,
        p90: p50 * 2,
        p95: p99 / 2,
        p99,
        p999: p99 * 1.5,
        max: p99 * 2,
      },
      drained: lost === 0,
      broker: { records_on_topic: produce * 3, group_lag_at_end: 0 },
      errors: [],
    },
    timeline: [0, 1, 2, 3].map((second) => ({
      second,
      produced: second < 3 ? produce : 0,
      consumed: second < 3 ? endToEnd : 300,
      p50,
      p99,
      max: p99 * 2,
    })),
  };
}
