// Drives the real rule engine over the simulated span with its injected clock. It ticks at each instant a rule
// has a window due (window end + delay): every 5–20 s of simulated time with the benchmark's rules, and never
// on an instant where nothing can be due.
import type { Logger } from '@rollcall/core/log';
import type { Store } from '@rollcall/core/store';
import { queryRows } from '@rollcall/core/store/queries';
import { createRuleEngine } from '@rollcall/rules/engine';
import { fixedRuleFiles } from '@rollcall/rules/files';
import type { Rule } from '@rollcall/rules/rule';

export interface DriveResult {
  ticks: number;
  evaluations: number;
  /** Errors the engine logged (a failed evaluation or tick); a run with any is not to be trusted. */
  errors: string[];
  wallMs: number;
}

export interface TransitionRow {
  rule_id: string;
  to_state: 'pending' | 'firing' | 'resolved' | 'inactive';
  at: number;
  value: number;
  summary: string;
}

/** Instants in (from, to] at which some rule has a window due, in order. */
export function* dueInstants(rules: Rule[], from: number, to: number): Generator<number> {
  const step = rules.reduce((g, r) => gcd(g, gcd(r.every, r.delay % r.every)), 0) || 1000;
  for (let at = Math.ceil((from + 1) / step) * step; at <= to; at += step) {
    if (rules.some((r) => (((at - r.delay) % r.every) + r.every) % r.every === 0)) yield at;
  }
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** Collects what the engine logs at error level; everything else goes to `log`. */
function recordingLogger(log: Logger, errors: string[]): Logger {
  return {
    debug: (m, f) => log.debug(m, f),
    info: (m, f) => log.debug(m, f),
    warn: (m, f) => log.warn(m, f),
    error: (m, f) => {
      const cause = f?.err instanceof Error ? `: ${f.err.message}` : '';
      errors.push(`${m}${f?.rule ? ` (${String(f.rule)})` : ''}${cause}`);
      log.error(m, f);
    },
    child: () => recordingLogger(log, errors),
  };
}

export async function driveEngine(
  store: Store,
  rules: Rule[],
  from: number,
  to: number,
  opts: { log: Logger; onDay?: (at: number, ticks: number, evaluations: number) => Promise<void> | void },
): Promise<DriveResult> {
  const errors: string[] = [];
  let clock = from;
  let evaluations = 0;
  const engine = createRuleEngine({
    store,
    log: recordingLogger(opts.log, errors),
    files: fixedRuleFiles(rules),
    now: () => clock,
    coverage: true,
    onEvaluated: () => evaluations++,
  });
  const started = performance.now();
  let ticks = 0;
  let nextReport = from + 86_400_000;
  for (const at of dueInstants(rules, from, to)) {
    clock = at;
    await engine.tick();
    ticks++;
    if (at >= nextReport) {
      await opts.onDay?.(at, ticks, evaluations);
      nextReport += 86_400_000;
    }
  }
  return { ticks, evaluations, errors, wallMs: performance.now() - started };
}

export async function transitionsOf(store: Store): Promise<TransitionRow[]> {
  const rows = await queryRows<{
    rule_id: string;
    to_state: TransitionRow['to_state'];
    at: string;
    value: number;
    summary: string;
  }>(
    store,
    `SELECT rule_id, to_state, toUnixTimestamp64Milli(at) AS at, value, summary FROM ${store.db}.alert_transitions FINAL ORDER BY at, rule_id`,
    {},
  );
  return rows.map((r) => ({ ...r, at: Number(r.at), value: Number(r.value) }));
}

export interface WindowCounts {
  rule_id: string;
  judged: number;
  breached: number;
  notWatched: number;
  otherSkipped: number;
}

/** Per rule: windows judged, breached, not watched and otherwise skipped (history, significance, min_count). */
export async function windowCounts(store: Store): Promise<WindowCounts[]> {
  const rows = await queryRows<{
    rule_id: string;
    judged: string;
    breached: string;
    not_watched: string;
    other: string;
  }>(
    store,
    `SELECT rule_id, count() AS judged, countIf(breached = 1) AS breached, countIf(startsWith(skipped, 'not watched')) AS not_watched,
            countIf(skipped != '' AND NOT startsWith(skipped, 'not watched')) AS other
     FROM ${store.db}.rule_evaluations GROUP BY rule_id ORDER BY rule_id`,
    {},
  );
  return rows.map((r) => ({
    rule_id: r.rule_id,
    judged: Number(r.judged),
    breached: Number(r.breached),
    notWatched: Number(r.not_watched),
    otherSkipped: Number(r.other),
  }));
}
