// Scores a run from the alert transitions the engine stored: per fault and rule, the time from the fault's
// start to pending and to firing and whether the alert stayed firing to the fault's end; every alert raised
// outside a fault is a false alarm, named with the disturbance it coincided with, if any.
import type { Rule } from '@rollcall/rules/rule';
import type { TransitionRow } from './drive.ts';
import type { Scenario } from './scenarios.ts';
import { MINUTE } from './traffic.ts';

export interface RuleOutcome {
  rule: string;
  /** ms from the fault's start to the first pending (or firing, when the rule has no `for`). */
  pendingMs: number | null;
  firingMs: number | null;
  /** Firing from first firing to the fault's end without resolving in between. */
  stayedFiring: boolean;
  /** Times it resolved (or fell back from pending) between first raised and the fault's end. */
  flaps: number;
  /** When it resolved after the fault's end, ms after that end. */
  resolvedAfterEndMs: number | null;
}

export interface FaultOutcome {
  kind: string;
  title: string;
  start: string;
  end: string;
  targetMs: number | null;
  rules: RuleOutcome[];
  /** The earliest firing over its rules. */
  bestFiringMs: number | null;
  verdict: 'met' | 'missed target' | 'not detected' | 'detected (no target)' | 'flapped';
}

export interface FalseAlarm {
  rule: string;
  to: string;
  at: string;
  summary: string;
  /** The disturbance or fault (of another rule) it coincided with, or '' for none. */
  during: string;
}

export interface Score {
  faults: FaultOutcome[];
  falseAlarms: FalseAlarm[];
  /** Disturbances that must raise nothing, with the alerts raised while they lasted (plus settle time). */
  quiet: { kind: string; title: string; start: string; end: string; alerts: number }[];
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** How long after a fault's end its rule's alerts still belong to it: the last breached window plus resolving. */
export function settleMs(rule: Rule | undefined): number {
  if (!rule) return 15 * MINUTE;
  const resolveFor = 'resolve_for' in rule && typeof rule.resolve_for === 'number' ? rule.resolve_for : 2 * rule.every;
  return rule.window + rule.every + rule.delay + rule.for + resolveFor + 2 * MINUTE;
}

const raised = (t: TransitionRow) => t.to_state === 'pending' || t.to_state === 'firing';

export function score(scenarios: Scenario[], rules: Rule[], transitions: TransitionRow[]): Score {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const claimed = new Set<TransitionRow>();
  const faults = scenarios
    .filter((s) => s.fault)
    .map((s): FaultOutcome => {
      // Rules left out of the run (--rules) are not scored.
      const outcomes = s.rules
        .filter((id) => byId.has(id))
        .map((ruleId): RuleOutcome => {
          const until = s.end + settleMs(byId.get(ruleId));
          const mine = transitions.filter((t) => t.rule_id === ruleId && t.at >= s.start && t.at < until);
          for (const t of mine) claimed.add(t);
          const first = mine.find(raised);
          const firing = mine.find((t) => t.to_state === 'firing');
          const flaps = first
            ? mine.filter(
                (t) => t.at > first.at && t.at < s.end && (t.to_state === 'resolved' || t.to_state === 'inactive'),
              ).length
            : 0;
          const resolved = mine.find((t) => t.to_state === 'resolved' && t.at >= s.end);
          return {
            rule: ruleId,
            pendingMs: first ? first.at - s.start : null,
            firingMs: firing ? firing.at - s.start : null,
            stayedFiring: firing !== undefined && firing.at < s.end && flaps === 0,
            flaps,
            resolvedAfterEndMs: resolved ? resolved.at - s.end : null,
          };
        });
      const firings = outcomes.flatMap((o) => (o.firingMs === null ? [] : [o.firingMs]));
      const best = firings.length ? Math.min(...firings) : null;
      const flapped = outcomes.some((o) => o.firingMs !== null && o.flaps > 0);
      const target = s.targetMs ?? null;
      const verdict =
        best === null
          ? 'not detected'
          : flapped
            ? 'flapped'
            : target === null
              ? 'detected (no target)'
              : best <= target
                ? 'met'
                : 'missed target';
      return {
        kind: s.kind,
        title: s.title,
        start: iso(s.start),
        end: iso(s.end),
        targetMs: target,
        rules: outcomes,
        bestFiringMs: best,
        verdict,
      };
    });
  const during = (at: number) => {
    const hit = scenarios.find((s) => at >= s.start && at < s.end + 15 * MINUTE);
    return hit ? `${hit.kind} (${hit.fault ? 'a fault of other rules' : 'must raise nothing'})` : '';
  };
  const falseAlarms = transitions
    .filter((t) => raised(t) && !claimed.has(t))
    .map((t) => ({ rule: t.rule_id, to: t.to_state, at: iso(t.at), summary: t.summary, during: during(t.at) }));
  const quiet = scenarios
    .filter((s) => !s.fault)
    .map((s) => ({
      kind: s.kind,
      title: s.title,
      start: iso(s.start),
      end: iso(s.end),
      alerts: transitions.filter((t) => raised(t) && t.at >= s.start && t.at < s.end + 15 * MINUTE).length,
    }));
  return { faults, falseAlarms, quiet };
}
