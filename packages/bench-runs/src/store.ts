// Benchmark runs and baselines in ClickHouse (migration 5): what the bench CLI writes and the API and reports read.
import { randomBytes } from 'node:crypto';
import { chTime, type Store } from '@rollcall/core/store';
import { queryRows } from '@rollcall/core/store/queries';
import type { BenchRun, Comparison, RunStatus, RunSummary, StoredRun } from '@rollcall/contract/bench';
import { compareRuns } from './compare.ts';

export class RunNotFoundError extends Error {
  override name = 'RunNotFoundError';
}

export interface RunFilter {
  scenario?: string;
  broker?: BenchRun['broker'];
  /** Newest first; 50 when absent. */
  limit?: number;
}

/** Sortable and short enough to type: 20250102-153000-a1b2. */
export function newRunId(at: Date, random: () => string = () => randomBytes(2).toString('hex')): string {
  const stamp = at.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `${stamp}-${random()}`;
}

export async function saveRun(store: Store, run: BenchRun): Promise<void> {
  const r = run.result;
  await store.client.insert({
    table: `${store.db}.bench_runs`,
    format: 'JSONEachRow',
    values: [
      {
        id: run.id,
        started_at: chTime(Date.parse(run.startedAt)),
        scenario: run.scenario,
        label: run.label,
        broker: run.broker,
        status: run.status,
        sent: r.sent,
        received: r.received,
        lost: r.lost,
        duplicates: r.duplicates,
        produce_msg_per_sec: r.produce.msgPerSec,
        e2e_msg_per_sec: r.endToEnd.msgPerSec,
        p50_ms: r.latency.p50,
        p99_ms: r.latency.p99,
        max_ms: r.latency.max,
        params: JSON.stringify(run.params),
        environment: JSON.stringify(run.environment),
        result: JSON.stringify(run.result),
        timeline: JSON.stringify(run.timeline),
      },
    ],
  });
}

// The current baseline of each scenario is its latest marking; the alias must not shadow run_id inside argMax.
const CURRENT_BASELINES = (db: string) =>
  `SELECT argMax(run_id, marked_at) AS baseline_id FROM ${db}.bench_baselines GROUP BY scenario`;

interface SummaryRow {
  id: string;
  started_ms: string | number;
  scenario: string;
  label: string;
  broker: BenchRun['broker'];
  status: RunStatus;
  sent: string | number;
  received: string | number;
  lost: string | number;
  duplicates: string | number;
  produce_msg_per_sec: number;
  e2e_msg_per_sec: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  is_baseline: number | string;
}

const SUMMARY_COLUMNS = (
  db: string,
) => `id, toUnixTimestamp64Milli(started_at) AS started_ms, scenario, label, broker, status, sent, received, lost, duplicates,
  produce_msg_per_sec, e2e_msg_per_sec, p50_ms, p99_ms, max_ms, id IN (${CURRENT_BASELINES(db)}) AS is_baseline`;

function summaryOf(row: SummaryRow): RunSummary {
  return {
    id: row.id,
    startedAt: new Date(Number(row.started_ms)).toISOString(),
    scenario: row.scenario,
    label: row.label,
    broker: row.broker,
    status: row.status,
    sent: Number(row.sent),
    received: Number(row.received),
    lost: Number(row.lost),
    duplicates: Number(row.duplicates),
    produceMsgPerSec: Number(row.produce_msg_per_sec),
    endToEndMsgPerSec: Number(row.e2e_msg_per_sec),
    p50: Number(row.p50_ms),
    p99: Number(row.p99_ms),
    max: Number(row.max_ms),
    isBaseline: Number(row.is_baseline) === 1,
  };
}

export async function listRuns(store: Store, filter: RunFilter = {}): Promise<RunSummary[]> {
  const where = [
    filter.scenario !== undefined ? 'scenario = {scenario:String}' : '',
    filter.broker !== undefined ? 'broker = {broker:String}' : '',
  ].filter(Boolean);
  const rows = await queryRows<SummaryRow>(
    store,
    `SELECT ${SUMMARY_COLUMNS(store.db)} FROM ${store.db}.bench_runs FINAL
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY started_at DESC, id DESC LIMIT {limit:UInt32}`,
    { scenario: filter.scenario ?? '', broker: filter.broker ?? '', limit: filter.limit ?? 50 },
  );
  return rows.map(summaryOf);
}

export async function getRun(store: Store, id: string): Promise<StoredRun | null> {
  const rows = await queryRows<SummaryRow & { params: string; environment: string; result: string; timeline: string }>(
    store,
    `SELECT ${SUMMARY_COLUMNS(store.db)}, params, environment, result, timeline FROM ${store.db}.bench_runs FINAL WHERE id = {id:String} LIMIT 1`,
    { id },
  );
  const row = rows[0];
  if (!row) return null;
  const s = summaryOf(row);
  return {
    id: s.id,
    startedAt: s.startedAt,
    scenario: s.scenario,
    label: s.label,
    broker: s.broker,
    status: s.status,
    params: JSON.parse(row.params) as BenchRun['params'],
    environment: JSON.parse(row.environment) as BenchRun['environment'],
    result: JSON.parse(row.result) as BenchRun['result'],
    timeline: JSON.parse(row.timeline) as BenchRun['timeline'],
    isBaseline: s.isBaseline,
  };
}

/** Makes the run its scenario's baseline from now on; every other run of the scenario is compared with it. */
export async function markBaseline(store: Store, id: string, at: number = Date.now()): Promise<StoredRun> {
  const run = await getRun(store, id);
  if (!run) throw new RunNotFoundError(`no benchmark run ${id}`);
  await store.client.insert({
    table: `${store.db}.bench_baselines`,
    format: 'JSONEachRow',
    values: [{ scenario: run.scenario, run_id: run.id, marked_at: chTime(at) }],
  });
  return { ...run, isBaseline: true };
}

export async function baselineOf(store: Store, scenario: string): Promise<StoredRun | null> {
  const rows = await queryRows<{ baseline_id: string }>(
    store,
    `SELECT argMax(run_id, marked_at) AS baseline_id FROM ${store.db}.bench_baselines WHERE scenario = {scenario:String} GROUP BY scenario`,
    { scenario },
  );
  const id = rows[0]?.baseline_id;
  return id ? getRun(store, id) : null;
}

/** The run against its scenario's baseline with the run's own thresholds; null for the baseline itself or when
 * the scenario has none. */
export async function compareWithBaseline(store: Store, run: BenchRun): Promise<Comparison | null> {
  const baseline = await baselineOf(store, run.scenario);
  if (!baseline || baseline.id === run.id) return null;
  return compareRuns(run, baseline);
}
