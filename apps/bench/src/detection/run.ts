// One detection benchmark run: a fresh embedded store in a temp dir, the traffic and heartbeats written into
// it, the real rule engine driven over the span, and the run scored from the transitions it stored.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@rollcall/core/config';
import type { Logger } from '@rollcall/core/log';
import { openStore } from '@rollcall/core/store';
import { hostAfter, hostBefore } from '../load/host.ts';
import { writeTraffic, type Written } from './data.ts';
import { driveEngine, transitionsOf, windowCounts, type DriveResult, type WindowCounts } from './drive.ts';
import { benchRules } from './rules.ts';
import { effectsOf, placeScenarios, type Scenario, type ScenarioKind } from './scenarios.ts';
import { score, type Score } from './score.ts';
import { DAY, STREAMS } from './traffic.ts';

export interface DetectionOptions {
  days: number;
  seed: number;
  /** Weeks of rollup history written before the span, for the baselines. */
  historyWeeks: number;
  kinds: readonly ScenarioKind[];
  /** Rule ids to run; all the benchmark's rules when empty. */
  only: readonly string[];
  /** The span's first instant (a Monday 00:00 UTC by default). */
  start: number;
}

export interface DetectionResult {
  params: DetectionOptions & { startIso: string; command: string };
  host: ReturnType<typeof hostAfter>;
  rules: { yaml: string; significance: boolean };
  written: Written;
  streams: {
    key: string;
    broker: string;
    stream: string;
    event_type: string;
    source: string;
    nominalRate: number;
    spanMessages: number;
  }[];
  scenarios: (Omit<Scenario, 'start' | 'end'> & { start: string; end: string })[];
  engine: { ticks: number; evaluations: number; errors: string[]; wallMs: number; windows: WindowCounts[] };
  score: Score;
  wallMs: { write: number; engine: number; total: number };
  /** What the benchmark does not cover, and why. */
  notes: string[];
  /** Set on a report written while the run goes on: the simulated time it covers so far. */
  partialUntil?: string;
}

/** The Monday 00:00 UTC on or after `now`: recent enough that no TTL of the store (30 days) drops the rows. */
export function nextMonday(now: number): number {
  const day = Math.ceil(now / DAY) * DAY;
  const weekday = (new Date(day).getUTCDay() + 6) % 7;
  return day + ((7 - weekday) % 7) * DAY;
}

export const NOTES = [
  'Traffic holiday: not run. A rule schedule (rules/src/schedule.ts) has days of the week and hours only; no dates can be declared off.',
  'Slices: group_by is not implemented yet, so the visa slice is watched by a baseline rule on its own match (source: visa).',
  'Rollup rows are written whole for the span before the engine runs; every rule reads only windows that end before its clock (freshness clamps to the window end), and the heartbeats decide when a window may be judged, so a row being in the store early changes no verdict.',
  'Rules over rollup-only streams use every: 1m: a window that does not start on a minute reads raw events, which these streams do not have.',
  'Day-level jitter is on the amplitude of the daily swing (40% ± 30% of it), not on the daily level.',
];

export async function runDetection(
  opts: DetectionOptions,
  deps: {
    log: Logger;
    command: string;
    say: (line: string) => void;
    keepStore?: boolean;
    onPartial?: (partial: DetectionResult) => Promise<void> | void;
  },
): Promise<DetectionResult> {
  const host = hostBefore();
  const started = performance.now();
  const spanStart = opts.start;
  const spanEnd = spanStart + Math.round((opts.days * DAY) / 60_000) * 60_000;
  const scenarios = placeScenarios(opts.kinds, spanStart, spanEnd - spanStart);
  const effects = effectsOf(scenarios);
  const all = benchRules();
  const unknown = opts.only.filter((id) => !all.rules.some((r) => r.id === id));
  if (unknown.length)
    throw new Error(`unknown rule ${unknown.join(', ')} (expected ${all.rules.map((r) => r.id).join(', ')})`);
  const rules = opts.only.length ? all.rules.filter((r) => opts.only.includes(r.id)) : all.rules;
  const { yaml, significance } = all;
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-detection-'));
  const store = await openStore(parseConfig('', 'detection', { ROLLCALL_DATA_DIR: dir }).clickhouse);
  try {
    deps.say(`detection: writing ${opts.historyWeeks} weeks of history and ${opts.days} days of traffic into ${dir}`);
    const written = await writeTraffic(
      store,
      { seed: opts.seed, historyStart: spanStart - opts.historyWeeks * 7 * DAY, spanStart, spanEnd, effects },
      deps.say,
    );
    const wroteMs = performance.now() - started;
    deps.say(
      `detection: wrote ${written.rollupRows} rollup rows, ${written.rawEvents} raw events, ${written.heartbeats} heartbeats in ${(wroteMs / 1000).toFixed(1)} s; running the engine`,
    );
    const resultOf = async (drive: DriveResult, partialUntil?: number): Promise<DetectionResult> => {
      const happened = partialUntil === undefined ? scenarios : scenarios.filter((s) => s.start < partialUntil);
      const total = performance.now() - started;
      return {
        params: { ...opts, startIso: new Date(spanStart).toISOString(), command: deps.command },
        host: hostAfter(host),
        rules: { yaml, significance },
        written,
        streams: STREAMS.map((s) => ({
          key: s.key,
          broker: s.broker,
          stream: s.stream,
          event_type: s.event_type,
          source: s.source,
          nominalRate: s.rate,
          spanMessages: written.messages[s.key] ?? 0,
        })),
        scenarios: scenarios.map((s) => ({
          ...s,
          start: new Date(s.start).toISOString(),
          end: new Date(s.end).toISOString(),
        })),
        engine: { ...drive, windows: await windowCounts(store) },
        score: score(happened, rules, await transitionsOf(store)),
        wallMs: { write: Math.round(wroteMs), engine: Math.round(drive.wallMs), total: Math.round(total) },
        notes: NOTES,
        ...(partialUntil === undefined ? {} : { partialUntil: new Date(partialUntil).toISOString() }),
      };
    };
    const engineStarted = performance.now();
    const drive = await driveEngine(store, rules, spanStart, spanEnd, {
      log: deps.log,
      onDay: async (at, ticks, evaluations) => {
        deps.say(
          `detection: ${new Date(at).toISOString()} · ${ticks} ticks, ${evaluations} evaluations · ${((performance.now() - started) / 1000).toFixed(0)} s`,
        );
        if (deps.onPartial)
          await deps.onPartial(
            await resultOf({ ticks, evaluations, errors: [], wallMs: performance.now() - engineStarted }, at),
          );
      },
    });
    return await resultOf(drive);
  } finally {
    await store.close();
    if (!deps.keepStore) rmSync(dir, { recursive: true, force: true });
  }
}
