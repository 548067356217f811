// Alerts the engine raises about itself rather than about traffic: a rule file that does not validate (its last
// good rules keep running) and a tap that is not watching. The engine moves them through the same lifecycle.
import type { TapCheck } from '@rollcall/core/tap-health';
import type { TransitionTo } from './lifecycle.ts';
import type { Transition } from './alert-store.ts';
import type { RuleFileState } from '../model/files.ts';

export const RULE_FILE_ALERT = 'rollcall-rule-file';
export const TAP_HEALTH_ALERT = 'rollcall-tap-health';
/** A tap down this long fires: long enough for kafkajs to ride out a rebalance, short enough to be told within a minute. */
export const TAP_HEALTH_FOR_MS = 30_000;

export interface SystemAlert {
  ruleId: string;
  /** The labels the fingerprint is made of. */
  key: Record<string, string>;
  breached: boolean;
  forMs: number;
  row: (
    to: TransitionTo,
  ) => Omit<Transition, 'id' | 'at' | 'fingerprint' | 'from_state' | 'to_state' | 'active_at' | 'firing_at'>;
}

type AlertRow = ReturnType<SystemAlert['row']>;

/** What every alert of one system rule says, whichever file or tap it is about. */
interface SystemRule {
  ruleId: string;
  ruleType: string;
  description: string;
  severity: AlertRow['severity'];
}

/** An alert of `rule` about the one thing `key` names (a file, a tap): its labels are the rule id, the key and the severity. */
function systemAlert(
  rule: SystemRule,
  key: Record<string, string>,
  breached: boolean,
  forMs: number,
  row: (to: TransitionTo) => Omit<AlertRow, 'rule_id' | 'rule_type' | 'description' | 'severity' | 'labels'>,
): SystemAlert {
  return {
    ruleId: rule.ruleId,
    key,
    breached,
    forMs,
    row: (to) => ({
      rule_id: rule.ruleId,
      rule_type: rule.ruleType,
      description: rule.description,
      severity: rule.severity,
      labels: { rule_id: rule.ruleId, ...key, severity: rule.severity },
      ...row(to),
    }),
  };
}

const RULE_FILE: SystemRule = {
  ruleId: RULE_FILE_ALERT,
  ruleType: 'config',
  description: 'A rule file does not validate; its last good rules keep running.',
  severity: 'warning',
};
const TAP_HEALTH: SystemRule = {
  ruleId: TAP_HEALTH_ALERT,
  ruleType: 'tap',
  description: 'A tap is not watching: messages it misses are not counted until it is back.',
  severity: 'critical',
};

/** A broken rule file, so nobody runs on stale rules without knowing. */
export const fileAlert = (file: RuleFileState, routes: string[]): SystemAlert =>
  systemAlert(RULE_FILE, { file: file.file }, file.error !== undefined, 0, (to) => ({
    stream: file.file,
    value: 1,
    threshold: 0,
    expected: 'every rule file valid',
    summary: to === 'firing' ? (file.error ?? '') : `${file.file} is valid again`,
    details: '{}',
    routes,
  }));

/** A tap that is not watching (crashed, stalled, reconnecting, firehose off): what it misses is unknown, so
 * someone must be told; volume rules on its streams would otherwise say "nothing was published". */
export const tapAlert = (check: TapCheck, routes: string[]): SystemAlert =>
  systemAlert(TAP_HEALTH, { tap: check.tap }, !check.up, TAP_HEALTH_FOR_MS, (to) => ({
    stream: check.tap,
    value: check.up ? 1 : 0,
    threshold: 1,
    expected: 'every tap up and storing',
    summary: check.up ? `${check.tap} is watching again` : `${check.tap} is not watching: ${check.reason}`,
    details: JSON.stringify({ since: check.since, last_stored_at: check.lastStoredAt, lost: check.lost }),
    routes: to === 'firing' || to === 'resolved' ? routes : [],
  }));
