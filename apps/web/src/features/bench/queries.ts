// Bench runs (issue 7) as the bench workspace models them (bench/src/runs/model.ts, compare.ts).
import { mutationOptions, queryOptions, type QueryClient } from '@tanstack/react-query';
import { api, enc } from '../../api/client.ts';

export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p75: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

export interface TimelinePoint {
  /** Seconds since the first send. */
  second: number;
  produced: number;
  consumed: number;
  p50: number;
  p99: number;
  max: number;
}

export interface Throughput {
  msgPerSec: number;
  mbPerSec: number;
  seconds: number;
}

export interface BenchRun {
  id: string;
  startedAt: string;
  scenario: string;
  label: string;
  broker: 'kafka' | 'rabbitmq';
  status: 'ok' | 'lossy' | 'failed';
  params: Record<string, unknown> & { producers: number; consumers: number; size: number; rate: number; durationMs: number };
  environment: { broker: { name: string; version: string; nodes: number }; host: { cores: number; cpu: string; memGiB: number; node: string } };
  result: {
    sent: number;
    failed: number;
    received: number;
    duplicates: number;
    lost: number;
    produce: Throughput;
    endToEnd: Throughput;
    latency: LatencySummary;
    drained: boolean;
    errors: string[];
  };
  timeline?: TimelinePoint[];
  isBaseline: boolean;
}

/** A run in the runs list (bench/src/runs/store.ts RunSummary). */
export interface RunSummary {
  id: string;
  startedAt: string;
  scenario: string;
  label: string;
  broker: 'kafka' | 'rabbitmq';
  status: BenchRun['status'];
  sent: number;
  received: number;
  lost: number;
  duplicates: number;
  produceMsgPerSec: number;
  endToEndMsgPerSec: number;
  p50: number;
  p99: number;
  max: number;
  isBaseline: boolean;
}

export interface MetricComparison {
  metric: string;
  label: string;
  unit: string;
  baseline: number;
  value: number;
  ratio: number | null;
  better: 'higher' | 'lower';
  regressed: boolean;
  limit: string;
}

export interface BenchRunDetail extends BenchRun {
  timeline: TimelinePoint[];
  /** Null when the run is its scenario's baseline or there is none. */
  comparison: { baseline: BenchRun & { timeline: TimelinePoint[] }; metrics: MetricComparison[]; regressions: string[]; regressed: boolean } | null;
}

/** Badge tone per run status: lossy runs lost or duplicated messages. */
export const STATUS_TONE: Record<BenchRun['status'], string> = { ok: 'ok', lossy: 'pending', failed: 'firing' };

export const benchQueries = {
  runs: () =>
    queryOptions({
      queryKey: ['bench', 'runs'],
      queryFn: ({ signal }) => api.get<{ runs: RunSummary[] }>('/bench/runs', {}, signal),
    }),
  run: (id: string) =>
    queryOptions({
      queryKey: ['bench', 'runs', id],
      queryFn: ({ signal }) => api.get<BenchRunDetail>(`/bench/runs/${enc(id)}`, {}, signal),
    }),
};

export const benchMutations = {
  makeBaseline: (client: QueryClient) =>
    mutationOptions({
      mutationFn: (id: string) => api.post<BenchRun>(`/bench/runs/${enc(id)}/baseline`),
      onSuccess: () => client.invalidateQueries({ queryKey: ['bench'] }),
    }),
};
