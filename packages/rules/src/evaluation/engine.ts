// The rule engine: evaluates each rule once per `every`, over the window that ended `delay` ago, runs the
// alert lifecycle (once per slice for a rule with group_by) and stores every transition before acting on it.
// Broken rule files raise a config alert, and so does a tap that is not watching (alerts/system-alerts.ts).
import type { Logger } from '@rollcall/core/log';
import type { Store } from '@rollcall/core/store';
import type { Broker } from '@rollcall/core/event';
import type { TapCheck } from '@rollcall/core/tap-health';
import { fingerprintOf, INACTIVE, step, type AlertStatus, type TransitionTo } from '../alerts/lifecycle.ts';
import {
  insertEvaluations,
  insertTransitions,
  latestTransitions,
  statusOf,
  transitionId,
  type EvaluationSample,
  type Transition,
} from '../alerts/alert-store.ts';
import { notWatched, watchOf, type Watch, type WatchCache } from './coverage.ts';
import { evaluateScheduled, watched, windowAt } from './evaluate-rule.ts';
import { lateEvents } from './late.ts';
import type { Evaluation } from './result.ts';
import type { RuleFiles } from '../model/files.ts';
import { resolveForOf, type Rule } from '../model/rule.ts';
import { singleFlight } from '../single-flight.ts';
import { sliceLabels } from './slices.ts';
import { fileAlert, RULE_FILE_ALERT, TAP_HEALTH_ALERT, tapAlert } from '../alerts/system-alerts.ts';
import type { Window } from './sql.ts';

export interface RuleStatus {
  rule: Rule;
  fingerprint: string;
  status: AlertStatus;
  last?: { at: number; window: Window; evaluation?: Evaluation; error?: string; durationMs: number };
  /** The window the rule is waiting to judge, and why. */
  waiting?: { window: Window; reason: string };
  /** A rule with group_by: its slices' open alerts (`fingerprint` and `status` above are the worst of them). */
  slices?: { fingerprint: string; labels: Record<string, string>; status: AlertStatus }[];
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
  /** A slice alert's carry its group_by value. */
  labels: Record<string, string>;
}

const groupOf = (rule: Rule) => ('group_by' in rule ? rule.group_by : undefined);

export function createRuleEngine({
  store,
  log,
  files,
  configRoutes = [],
  now = Date.now,
  tickMs = 1000,
  concurrency = 4,
  onEvaluated,
  tapHealth = () => [],
  coverage = false,
  tapped = [],
}: EngineDeps): RuleEngine {
  const alerts = new Map<string, Tracked>();
  const lastEnd = new Map<string, number>();
  const lastRun = new Map<string, NonNullable<RuleStatus['last']>>();
  const waiting = new Map<string, NonNullable<RuleStatus['waiting']>>();
  /** Each rule's last window judged the first time, for its one second look (late.ts). */
  const judged = new Map<string, { window: Window; at: number; watched: boolean; looked: boolean }>();
  /** The slice fingerprints each rule with group_by judged last: an open alert outside them is an orphan. */
  const reported = new Map<string, Set<string>>();
  let timer: NodeJS.Timeout | undefined;

  const transition = (
    base: Omit<Transition, 'id' | 'from_state' | 'to_state' | 'active_at' | 'firing_at'>,
    from: AlertStatus,
    to: TransitionTo,
    next: AlertStatus,
  ): Transition => ({
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
    if (previous === undefined || previous >= latest.end || latest.end - previous > MAX_CATCH_UP_WINDOWS * rule.every)
      return latest;
    return { start: previous + rule.every - rule.window, end: previous + rule.every };
  };

  type Outcome = { samples?: EvaluationSample[]; transitions?: Transition[]; apply?: () => void };

  /** Values of the rule's slices with an alert pending or firing: judged even when they have no events lately. */
  const openSlices = (rule: Rule): string[] => {
    const key = groupOf(rule);
    if (key === undefined) return [];
    return [...alerts.values()].flatMap((t) =>
      t.ruleId === rule.id && t.status.state !== 'inactive' && t.labels[key] !== undefined ? [t.labels[key]] : [],
    );
  };

  /** One alert (the rule's, or one slice's) through the lifecycle on one judged evaluation. */
  const move = (
    rule: Rule,
    labels: Record<string, string>,
    evaluation: Evaluation,
    window: Window,
    at: number,
  ): { transition?: Transition; apply: () => void } => {
    const fingerprint = fingerprintOf(rule.id, labels);
    const current = alerts.get(fingerprint)?.status ?? INACTIVE;
    const { next, to } = step(current, evaluation.breached, at, rule.for, {
      after: resolveForOf(rule),
      per: rule.every,
    });
    const apply = () => alerts.set(fingerprint, { ruleId: rule.id, status: next, labels });
    if (!to) return { apply };
    const base = {
      at,
      fingerprint,
      rule_id: rule.id,
      rule_type: rule.type,
      description: rule.description,
      severity: rule.severity,
      labels: { ...labels, rule_id: rule.id, severity: rule.severity },
      stream: watched(rule),
      value: finite(evaluation.value),
      threshold: finite(evaluation.threshold),
      expected: evaluation.expected,
      summary: evaluation.summary,
      details: JSON.stringify({ window, ...evaluation.details }),
      routes: to === 'firing' || to === 'resolved' ? rule.notify : [],
    };
    return { transition: transition(base, current, to, next), apply };
  };

  /** One rule's failure (a bug, a rule built past the schema) is that rule's error: the others are evaluated
   * and their rows and transitions stored as usual. */
  const evaluateIsolated = (rule: Rule, at: number, watchCache: WatchCache): Promise<Outcome> =>
    evaluateOne(rule, at, watchCache).catch((err: unknown) => {
      const error = err instanceof Error ? err.message : String(err);
      log.error('rule evaluation failed', { rule: rule.id, err });
      onEvaluated?.(rule, 0, true);
      return { apply: () => lastRun.set(rule.id, { at, window: { start: at, end: at }, durationMs: 0, error }) };
    });

  const evaluateOne = async (rule: Rule, at: number, watchCache: WatchCache): Promise<Outcome> => {
    const window = nextWindow(rule, at);
    if (!Number.isFinite(window.start) || !Number.isFinite(window.end))
      throw new Error(
        `window ${window.start}..${window.end} is not a time (every ${rule.every} ms, window ${rule.window} ms)`,
      );
    if (lastEnd.get(rule.id) === window.end) return {};
    const watch = coverage
      ? await watchOf(store, rule, window, at, tapped, watchCache).catch((err: unknown) => ({
          state: 'watched' as const,
          reason: `coverage unknown: ${(err as Error).message}`,
        }))
      : undefined;
    if (watch?.state === 'waiting') {
      waiting.set(rule.id, { window, reason: watch.reason });
      return {}; // judged on a later tick, once the taps have stored past it
    }
    waiting.delete(rule.id);
    const second = await secondLook(rule, window, at);
    if (second) return second;
    const skipped = skippedStretch(rule, window, at);
    const outcome = await judge(rule, window, at, watch);
    return skipped ? { ...outcome, samples: [skipped, ...(outcome.samples ?? [])] } : outcome;
  };

  /** The windows passed over when the rule fell too far behind (a slow store, a tap long behind) and went on from the
   * latest: one row that says so, so the rule's chart shows the stretch as not judged rather than as nothing. */
  const skippedStretch = (rule: Rule, window: Window, at: number): EvaluationSample | undefined => {
    const previous = lastEnd.get(rule.id);
    if (previous === undefined || window.end - previous <= rule.every) return undefined;
    const windows = Math.round((window.end - previous) / rule.every) - 1;
    if (windows < 1) return undefined; // `every` changed on a reload: nothing was passed over
    return {
      at,
      rule_id: rule.id,
      window_start: previous + rule.every - rule.window,
      window_end: window.end - rule.every,
      value: 0,
      threshold: 0,
      breached: false,
      skipped: `skipped: ${windows} windows not judged, the rule fell more than ${MAX_CATCH_UP_WINDOWS} behind and went on from the latest`,
      error: '',
      duration_ms: 0,
    };
  };

  /** The rule's previous window once more, before the next is judged, if events for it were stored since it was
   * judged (late.ts). Its new verdict moves the alert like any other; the next window waits for the next tick. */
  const secondLook = async (rule: Rule, next: Window, at: number): Promise<Outcome | undefined> => {
    const previous = judged.get(rule.id);
    if (!previous || previous.looked || previous.window.end >= next.end) return undefined;
    previous.looked = true; // one look, even if this query fails
    if (!previous.watched) return undefined; // not watched stays not watched
    const late = await lateEvents(store, rule, previous.window, previous.at);
    if (late === 0) return undefined;
    log.info('late events: judging a window again', {
      rule: rule.id,
      window_end: new Date(previous.window.end).toISOString(),
      late,
    });
    return judge(rule, previous.window, at, undefined, late);
  };

  /** `late`: this window was judged before, and this many events for it were stored since. */
  const judge = async (
    rule: Rule,
    window: Window,
    at: number,
    watch: Watch | undefined,
    late?: number,
  ): Promise<Outcome> => {
    const keep = openSlices(rule);
    const started = performance.now();
    let evaluation: Evaluation | undefined;
    let error = '';
    try {
      evaluation =
        watch?.state === 'not watched' ? notWatched(watch.reason) : await evaluateScheduled(store, rule, window, keep);
      if (late !== undefined)
        evaluation = {
          ...evaluation,
          summary: `${evaluation.summary} (judged again: ${late} late events)`,
          details: { ...evaluation.details, late_events: late },
        };
    } catch (err) {
      error = (err as Error).message;
      log.error('rule evaluation failed', { rule: rule.id, err });
    }
    const durationMs = performance.now() - started;
    onEvaluated?.(rule, durationMs, error !== '');
    const sample = (ruleId: string, e: Evaluation | undefined): EvaluationSample => ({
      at,
      rule_id: ruleId,
      window_start: window.start,
      window_end: window.end,
      value: finite(e?.value),
      threshold: finite(e?.threshold),
      breached: e?.breached ?? false,
      skipped: e?.skipped ?? '',
      error,
      duration_ms: durationMs,
    });
    // rule_evaluations has no slice column: each slice's row goes under "<rule id>/<key>=<value>" ("/" and "=" are
    // never in a rule id), so the rule's own row stays one per window.
    const samples = [
      sample(rule.id, evaluation),
      ...(evaluation?.slices ?? []).map((s) => sample(`${rule.id}/${s.key}=${s.group}`, s.evaluation)),
    ];
    const done = () => {
      lastRun.set(rule.id, {
        at,
        window,
        durationMs,
        ...(evaluation ? { evaluation } : {}),
        ...(error ? { error } : {}),
      });
      if (late !== undefined) return; // the window after it is still to be judged
      lastEnd.set(rule.id, window.end);
      judged.set(rule.id, { window, at, watched: watch?.state !== 'not watched', looked: false });
    };
    if (!evaluation || evaluation.skipped) return { samples, apply: done };
    const key = groupOf(rule);
    // Each slice is an alert of its own; a window outside the schedule (no slices) is clean for the open ones.
    const verdicts =
      key === undefined
        ? [{ labels: rule.labels, evaluation }]
        : evaluation.slices
          ? evaluation.slices
              .filter((s) => !s.evaluation.skipped)
              .map((s) => ({ labels: sliceLabels(rule.labels, s), evaluation: s.evaluation }))
          : keep.map((group) => ({ labels: { ...rule.labels, [key]: group }, evaluation }));
    const moves = verdicts.map((v) => move(rule, v.labels, v.evaluation, window, at));
    const slices =
      evaluation.slices && new Set(evaluation.slices.map((s) => fingerprintOf(rule.id, sliceLabels(rule.labels, s))));
    const apply = () => {
      for (const m of moves) m.apply();
      if (slices) reported.set(rule.id, slices);
      done();
    };
    return { samples, transitions: moves.flatMap((m) => (m.transition ? [m.transition] : [])), apply };
  };

  /** A broken rule file and a tap not watching are alerts of their own (alerts/system-alerts.ts). */
  const systemAlerts = (at: number): { transition: Transition; apply: () => void }[] =>
    [
      ...files.files().map((f) => fileAlert(f, configRoutes)),
      ...tapHealth().map((c) => tapAlert(c, configRoutes)),
    ].flatMap((a) => {
      const fingerprint = fingerprintOf(a.ruleId, a.key);
      const current = alerts.get(fingerprint)?.status ?? INACTIVE;
      const { next, to } = step(current, a.breached, at, a.forMs);
      if (!to) return [];
      const base = { at, fingerprint, ...a.row(to) };
      return [
        {
          transition: transition(base, current, to, next),
          apply: () => alerts.set(fingerprint, { ruleId: a.ruleId, status: next, labels: base.labels }),
        },
      ];
    });

  /** Whether the rule still judges this alert: a rule with group_by its last reported slices (a slice that
   * vanished is still reported, at 0, while its alert is open), any other rule its one label set. */
  const owns = (rule: Rule, fingerprint: string): boolean =>
    groupOf(rule) === undefined
      ? fingerprint === fingerprintOf(rule.id, rule.labels)
      : (reported.get(rule.id)?.has(fingerprint) ?? true);

  /** An alert no rule judges any more resolves: its rule was removed, or no longer watches that slice (group_by
   * changed or was removed, the slice fell past max_groups); nothing would otherwise ever resolve it. */
  const orphans = (rules: Rule[], at: number): { transition: Transition; apply: () => void }[] => {
    const byId = new Map(rules.map((r) => [r.id, r]));
    return [...alerts.entries()].flatMap(([fingerprint, tracked]) => {
      const rule = byId.get(tracked.ruleId);
      if (
        tracked.ruleId === RULE_FILE_ALERT ||
        tracked.ruleId === TAP_HEALTH_ALERT ||
        (rule && owns(rule, fingerprint)) ||
        tracked.status.state === 'inactive'
      )
        return [];
      const to: TransitionTo = tracked.status.state === 'firing' ? 'resolved' : 'inactive';
      const summary = rule ? 'the rule no longer watches this slice' : 'the rule was removed';
      const base = {
        at,
        fingerprint,
        rule_id: tracked.ruleId,
        rule_type: '',
        description: '',
        severity: '',
        labels: { ...tracked.labels, rule_id: tracked.ruleId },
        stream: '',
        value: 0,
        threshold: 0,
        expected: '',
        summary,
        details: '{}',
        routes: [],
      };
      return [
        {
          transition: transition(base, tracked.status, to, INACTIVE),
          apply: () => alerts.set(fingerprint, { ruleId: tracked.ruleId, status: INACTIVE, labels: tracked.labels }),
        },
      ];
    });
  };

  const runTick = async () => {
    const at = now();
    const rules = files.rules();
    const results: Outcome[] = [];
    const watchCache: WatchCache = new Map(); // coverage reads shared by this tick's rules
    for (let i = 0; i < rules.length; i += concurrency)
      results.push(
        ...(await Promise.all(rules.slice(i, i + concurrency).map((r) => evaluateIsolated(r, at, watchCache)))),
      );
    const extra = [...systemAlerts(at), ...orphans(rules, at)];
    const transitions = [...results.flatMap((r) => r.transitions ?? []), ...extra.map((e) => e.transition)];
    // Stored first: if this insert fails nothing moves, and the same windows are evaluated again next tick.
    await insertTransitions(store, transitions);
    for (const r of [...results, ...extra]) r.apply?.();
    for (const t of transitions)
      log.info(`alert ${t.to_state}`, {
        rule: t.rule_id,
        fingerprint: t.fingerprint,
        value: t.value,
        threshold: t.threshold,
        summary: t.summary,
      });
    await insertEvaluations(
      store,
      results.flatMap((r) => r.samples ?? []),
    ).catch((err: unknown) => log.warn('could not store rule evaluations', { err }));
  };

  const ticks = singleFlight(runTick, (err) => log.error('rule engine tick failed', { err }));
  const tick = () => ticks.run();

  return {
    async start() {
      for (const t of await latestTransitions(store))
        alerts.set(t.fingerprint, { ruleId: t.rule_id, status: statusOf(t), labels: t.labels });
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
    statuses: () => {
      const open = new Map<string, NonNullable<RuleStatus['slices']>>();
      for (const [fingerprint, t] of alerts)
        if (t.status.state !== 'inactive')
          open.set(t.ruleId, [...(open.get(t.ruleId) ?? []), { fingerprint, labels: t.labels, status: t.status }]);
      return files.rules().map((rule) => {
        const fingerprint = fingerprintOf(rule.id, rule.labels);
        const last = lastRun.get(rule.id);
        const pending = waiting.get(rule.id);
        const slices = groupOf(rule) === undefined ? undefined : (open.get(rule.id) ?? []);
        const worst = slices?.find((s) => s.status.state === 'firing') ?? slices?.[0];
        const alert = worst ?? { fingerprint, status: alerts.get(fingerprint)?.status ?? INACTIVE };
        return {
          rule,
          fingerprint: alert.fingerprint,
          status: alert.status,
          ...(last ? { last } : {}),
          ...(pending ? { waiting: pending } : {}),
          ...(slices ? { slices } : {}),
        };
      });
    },
  };
}
