// The rule engine: evaluates each rule once per `every`, over the window that ended `delay` ago, runs the
// alert lifecycle and stores every transition before acting on it. Broken rule files raise a config alert, and
// so does a tap that is not watching (rollcall-tap-health).
import type { Logger } from '@rollcall/core/log';
import type { Store } from '@rollcall/core/store';
import type { Broker } from '@rollcall/core/event';
import type { TapCheck } from '@rollcall/core/tap-health';
import { fingerprintOf, INACTIVE, step, type AlertStatus, type TransitionTo } from './alerts.ts';
import { insertEvaluations, insertTransitions, latestTransitions, statusOf, transitionId, type EvaluationSample, type Transition } from './alert-store.ts';
import { notWatched, watchOf } from './coverage.ts';
import { evaluateScheduled, watched, windowAt } from './evaluate.ts';
import type { Evaluation } from './evaluation.ts';
import type { RuleFiles } from './files.ts';
import { resolveForOf, type Rule } from './rule.ts';
import { singleFlight } from './single-flight.ts';
import type { Window } from './sql.ts';

export const RULE_FILE_ALERT = 'rollcall-rule-file';
export const TAP_HEALTH_ALERT = 'rollcall-tap-health';
/** A tap down this long fires: long enough for kafkajs to ride out a rebalance, short enough to be told within a minute. */
export const TAP_HEALTH_FOR_MS = 30_000;

export interface RuleStatus {
  rule: Rule;
  fingerprint: string;
  status: AlertStatus;
  last?: { at: number; window: Window; evaluation?: Evaluation; error?: string; durationMs: number };
  /** The window the rule is waiting to judge, and why. */
  waiting?: { window: Window; reason: string };
}

export interface RuleEngine {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Evaluates whatever is due now; the timer calls it every tickMs. */
  tick(): Promise<void>;
  statuses(): RuleStatus[];
}

export interface EngineDeps {
  store: Store;
  log: Logger;
  files: RuleFiles;
  /** Routes for the config alert raised by a broken rule file. */
  configRoutes?: string[];
  now?: () => number;
  tickMs?: number;
  concurrency?: number;
  /** Every evaluation, for metrics. */
  onEvaluated?: (rule: Rule, durationMs: number, failed: boolean) => void;
  /** The taps' health: a tap that is not watching is an alert of its own (routed like a broken rule file). */
  tapHealth?: () => TapCheck[];
  /** Judge a window only once the taps feeding it have stored past it, and never one they did not watch
   * (coverage.ts). Off where no tap writes heartbeats, such as a store filled by a test or a benchmark. */
  coverage?: boolean;
  /** Brokers this deployment taps: with coverage on, a rule on one whose tap never reported is not watched. */
  tapped?: Broker[];
}

/** ClickHouse's JSON input refuses NaN and Infinity, and one such value fails the insert of every rule's row. */
const finite = (n: number | undefined): number => (n !== undefined && Number.isFinite(n) ? n : 0);

/** Windows a rule may fall behind (waiting for a tap) and still judge one by one; past that it skips ahead. */
const MAX_CATCH_UP_WINDOWS = 10;

interface Tracked {
  ruleId: string;
  status: AlertStatus;
}

export function createRuleEngine({ store, log, files, configRoutes = [], now = Date.now, tickMs = 1000, concurrency = 4, onEvaluated, tapHealth = () => [], coverage = false, tapped = [] }: EngineDeps): RuleEngine {
  const alerts = new Map<string, Tracked>();
  const lastEnd = new Map<string, number>();
  const lastRun = new Map<string, NonNullable<RuleStatus['last']>>();
  const waiting = new Map<string, NonNullable<RuleStatus['waiting']>>();
  let timer: NodeJS.Timeout | undefined;

  const transition = (base: Omit<Transition, 'id' | 'from_state' | 'to_state' | 'active_at' | 'firing_at'>, from: AlertStatus, to: TransitionTo, next: AlertStatus): Transition => ({
    ...base,
    id: transitionId(base.fingerprint, to, base.at),
    from_state: from.state,
    to_state: to,
    active_at: next.activeAt ?? from.activeAt ?? base.at,
    firing_at: next.firingAt ?? from.firingAt ?? null,
  });

  /** The window after the last one judged, so a window that waited is still judged; the latest when there is none. */
  const nextWindow = (rule: Rule, at: number): Window => {
    const latest = windowAt(rule, at);
    const previous = lastEnd.get(rule.id);
    if (previous === undefined || previous >= latest.end || latest.end - previous > MAX_CATCH_UP_WINDOWS * rule.every) return latest;
    return { start: previous + rule.every - rule.window, end: previous + rule.every };
  };

  type Outcome = { sample?: EvaluationSample; transition?: Transition; apply?: () => void };

  /** One rule's failure (a bug, a rule built past the schema) is that rule's error: the others are evaluated
   * and their rows and transitions stored as usual. */
  const evaluateIsolated = (rule: Rule, at: number): Promise<Outcome> =>
    evaluateOne(rule, at).catch((err: unknown) => {
      const error = err instanceof Error ? err.message : String(err);
      log.error('rule evaluation failed', { rule: rule.id, err });
      onEvaluated?.(rule, 0, true);
      return { apply: () => lastRun.set(rule.id, { at, window: { start: at, end: at }, durationMs: 0, error }) };
    });

  const evaluateOne = async (rule: Rule, at: number): Promise<Outcome> => {
    const window = nextWindow(rule, at);
    if (!Number.isFinite(window.start) || !Number.isFinite(window.end)) throw new Error(`window ${window.start}..${window.end} is not a time (every ${rule.every} ms, window ${rule.window} ms)`);
    if (lastEnd.get(rule.id) === window.end) return {};
    const watch = coverage ? await watchOf(store, rule, window, at, tapped).catch((err: unknown) => ({ state: 'watched' as const, reason: `coverage unknown: ${(err as Error).message}` })) : undefined;
    if (watch?.state === 'waiting') {
      waiting.set(rule.id, { window, reason: watch.reason });
      return {}; // judged on a later tick, once the taps have stored past it
    }
    waiting.delete(rule.id);
    const fingerprint = fingerprintOf(rule.id, rule.labels);
    const current = alerts.get(fingerprint)?.status ?? INACTIVE;
    const started = performance.now();
    let evaluation: Evaluation | undefined;
    let error = '';
    try {
      evaluation = watch?.state === 'not watched' ? notWatched(watch.reason) : await evaluateScheduled(store, rule, window);
    } catch (err) {
      error = (err as Error).message;
      log.error('rule evaluation failed', { rule: rule.id, err });
    }
    const durationMs = performance.now() - started;
    onEvaluated?.(rule, durationMs, error !== '');
    const sample: EvaluationSample = { at, rule_id: rule.id, window_start: window.start, window_end: window.end, value: finite(evaluation?.value), threshold: finite(evaluation?.threshold), breached: evaluation?.breached ?? false, skipped: evaluation?.skipped ?? '', error, duration_ms: durationMs };
    const done = () => {
      lastEnd.set(rule.id, window.end);
      lastRun.set(rule.id, { at, window, durationMs, ...(evaluation ? { evaluation } : {}), ...(error ? { error } : {}) });
    };
    if (!evaluation || evaluation.skipped) return { sample, apply: done };
    const { next, to } = step(current, evaluation.breached, at, rule.for, { after: resolveForOf(rule), per: rule.every });
    const apply = () => {
      alerts.set(fingerprint, { ruleId: rule.id, status: next });
      done();
    };
    if (!to) return { sample, apply };
    const base = {
      at,
      fingerprint,
      rule_id: rule.id,
      rule_type: rule.type,
      description: rule.description,
      severity: rule.severity,
      labels: { ...rule.labels, rule_id: rule.id, severity: rule.severity },
      stream: watched(rule),
      value: finite(evaluation.value),
      threshold: finite(evaluation.threshold),
      expected: evaluation.expected,
      summary: evaluation.summary,
      details: JSON.stringify({ window, ...evaluation.details }),
      routes: to === 'firing' || to === 'resolved' ? rule.notify : [],
    };
    return { sample, transition: transition(base, current, to, next), apply };
  };

  /** A broken rule file is an alert of its own, so nobody runs on stale rules without knowing. */
  const fileAlerts = (at: number): { transition: Transition; apply: () => void }[] =>
    files.files().flatMap((file) => {
      const fingerprint = fingerprintOf(RULE_FILE_ALERT, { file: file.file });
      const current = alerts.get(fingerprint)?.status ?? INACTIVE;
      const { next, to } = step(current, file.error !== undefined, at, 0);
      if (!to) return [];
      const base = {
        at,
        fingerprint,
        rule_id: RULE_FILE_ALERT,
        rule_type: 'config',
        description: 'A rule file does not validate; its last good rules keep running.',
        severity: 'warning',
        labels: { rule_id: RULE_FILE_ALERT, file: file.file, severity: 'warning' },
        stream: file.file,
        value: 1,
        threshold: 0,
        expected: 'every rule file valid',
        summary: to === 'firing' ? (file.error ?? '') : `${file.file} is valid again`,
        details: '{}',
        routes: configRoutes,
      };
      return [{ transition: transition(base, current, to, next), apply: () => alerts.set(fingerprint, { ruleId: RULE_FILE_ALERT, status: next }) }];
    });

  /** A tap that is not watching (crashed, stalled, reconnecting, firehose off): what it misses is unknown, so
   * someone must be told; volume rules on its streams would otherwise say "nothing was published". */
  const tapAlerts = (at: number): { transition: Transition; apply: () => void }[] =>
    tapHealth().flatMap((check) => {
      const fingerprint = fingerprintOf(TAP_HEALTH_ALERT, { tap: check.tap });
      const current = alerts.get(fingerprint)?.status ?? INACTIVE;
      const { next, to } = step(current, !check.up, at, TAP_HEALTH_FOR_MS);
      if (!to) return [];
      const base = {
        at,
        fingerprint,
        rule_id: TAP_HEALTH_ALERT,
        rule_type: 'tap',
        description: 'A tap is not watching: messages it misses are not counted until it is back.',
        severity: 'critical',
        labels: { rule_id: TAP_HEALTH_ALERT, tap: check.tap, severity: 'critical' },
        stream: check.tap,
        value: check.up ? 1 : 0,
        threshold: 1,
        expected: 'every tap up and storing',
        summary: check.up ? `${check.tap} is watching again` : `${check.tap} is not watching: ${check.reason}`,
        details: JSON.stringify({ since: check.since, last_stored_at: check.lastStoredAt, lost: check.lost }),
        routes: to === 'firing' || to === 'resolved' ? configRoutes : [],
      };
      return [{ transition: transition(base, current, to, next), apply: () => alerts.set(fingerprint, { ruleId: TAP_HEALTH_ALERT, status: next }) }];
    });

  /** A rule removed while its alert fires resolves it; nothing would otherwise ever do so. */
  const orphans = (rules: Rule[], at: number): { transition: Transition; apply: () => void }[] => {
    const ids = new Set(rules.map((r) => r.id));
    return [...alerts.entries()].flatMap(([fingerprint, tracked]) => {
      if (tracked.ruleId === RULE_FILE_ALERT || tracked.ruleId === TAP_HEALTH_ALERT || ids.has(tracked.ruleId) || tracked.status.state === 'inactive') return [];
      const to: TransitionTo = tracked.status.state === 'firing' ? 'resolved' : 'inactive';
      const base = { at, fingerprint, rule_id: tracked.ruleId, rule_type: '', description: '', severity: '', labels: { rule_id: tracked.ruleId }, stream: '', value: 0, threshold: 0, expected: '', summary: 'the rule was removed', details: '{}', routes: [] };
      return [{ transition: transition(base, tracked.status, to, INACTIVE), apply: () => alerts.set(fingerprint, { ruleId: tracked.ruleId, status: INACTIVE }) }];
    });
  };

  const runTick = async () => {
    const at = now();
    const rules = files.rules();
    const results: Outcome[] = [];
    for (let i = 0; i < rules.length; i += concurrency) results.push(...(await Promise.all(rules.slice(i, i + concurrency).map((r) => evaluateIsolated(r, at)))));
    const extra = [...fileAlerts(at), ...tapAlerts(at), ...orphans(rules, at)];
    const transitions = [...results.flatMap((r) => (r.transition ? [r.transition] : [])), ...extra.map((e) => e.transition)];
    // Stored first: if this insert fails nothing moves, and the same windows are evaluated again next tick.
    await insertTransitions(store, transitions);
    for (const r of [...results, ...extra]) r.apply?.();
    for (const t of transitions) log.info(`alert ${t.to_state}`, { rule: t.rule_id, fingerprint: t.fingerprint, value: t.value, threshold: t.threshold, summary: t.summary });
    await insertEvaluations(store, results.flatMap((r) => (r.sample ? [r.sample] : []))).catch((err: unknown) => log.warn('could not store rule evaluations', { err }));
  };

  const ticks = singleFlight(runTick, (err) => log.error('rule engine tick failed', { err }));
  const tick = () => ticks.run();

  return {
    async start() {
      for (const t of await latestTransitions(store)) alerts.set(t.fingerprint, { ruleId: t.rule_id, status: statusOf(t) });
      files.start();
      await tick();
      timer = setInterval(() => void tick(), tickMs);
    },
    async stop() {
      if (timer) clearInterval(timer);
      files.stop();
      await ticks.current();
    },
    tick,
    statuses: () =>
      files.rules().map((rule) => {
        const fingerprint = fingerprintOf(rule.id, rule.labels);
        const last = lastRun.get(rule.id);
        const pending = waiting.get(rule.id);
        return { rule, fingerprint, status: alerts.get(fingerprint)?.status ?? INACTIVE, ...(last ? { last } : {}), ...(pending ? { waiting: pending } : {}) };
      }),
  };
}
