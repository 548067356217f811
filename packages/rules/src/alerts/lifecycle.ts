// The alert lifecycle: inactive → pending → firing → resolved (→ inactive). Pure: the engine feeds it one
// evaluation at a time and persists each transition it returns before acting on it.
import { hash53 } from '@rollcall/core/hash';

export type AlertState = 'inactive' | 'pending' | 'firing';
export type TransitionTo = 'pending' | 'firing' | 'resolved' | 'inactive';

export interface AlertStatus {
  state: AlertState;
  /** When the condition started holding (entered pending, or firing directly). */
  activeAt?: number;
  /** When the alert started firing. */
  firingAt?: number;
  /** While firing: the time covered by clean judged windows since the last breached one (not stored: a restart
   * starts counting again, which can only delay a resolve). */
  cleanFor?: number;
}

export const INACTIVE: AlertStatus = { state: 'inactive' };

/** How a firing alert resolves: once clean windows cover `after` ms, each judged clean window adding `per` ms
 * (the rule's `every`). Time is counted in judged windows, not on the clock: windows the engine skips (not
 * watched, waiting for a tap, too little data, a breach not significant) never reach step(), so they neither
 * add to the clean time nor reset it. Adding them would let an outage followed by one clean window resolve an
 * alert nobody saw recover; resetting on them would keep an alert firing for as long as a tap keeps flapping,
 * although every window that was judged was clean. */
export interface Hysteresis {
  after: number;
  per: number;
}

/** Resolve on the first clean window. */
const AT_ONCE: Hysteresis = { after: 0, per: 0 };

export function step(
  current: AlertStatus,
  breached: boolean,
  at: number,
  forMs: number,
  resolve: Hysteresis = AT_ONCE,
): { next: AlertStatus; to?: TransitionTo } {
  switch (current.state) {
    case 'inactive':
      if (!breached) return { next: current };
      if (forMs <= 0) return { next: { state: 'firing', activeAt: at, firingAt: at }, to: 'firing' };
      return { next: { state: 'pending', activeAt: at }, to: 'pending' };
    case 'pending': {
      if (!breached) return { next: INACTIVE, to: 'inactive' };
      const activeAt = current.activeAt ?? at;
      if (at - activeAt >= forMs) return { next: { state: 'firing', activeAt, firingAt: at }, to: 'firing' };
      return { next: current };
    }
    case 'firing': {
      if (breached)
        return {
          next:
            current.cleanFor === undefined
              ? current
              : { state: 'firing', activeAt: current.activeAt, firingAt: current.firingAt },
        };
      const cleanFor = (current.cleanFor ?? 0) + resolve.per;
      if (cleanFor >= resolve.after) return { next: INACTIVE, to: 'resolved' };
      return { next: { ...current, cleanFor } };
    }
  }
}

/** One alert per rule and label set. */
export function fingerprintOf(ruleId: string, labels: Record<string, string>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k] ?? ''}`);
  return hash53([ruleId, ...sorted].join('\u0000'))
    .toString(16)
    .padStart(14, '0');
}
