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
}

export const INACTIVE: AlertStatus = { state: 'inactive' };

export function step(current: AlertStatus, breached: boolean, at: number, forMs: number): { next: AlertStatus; to?: TransitionTo } {
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
    case 'firing':
      return breached ? { next: current } : { next: INACTIVE, to: 'resolved' };
  }
}

/** One alert per rule and label set. */
export function fingerprintOf(ruleId: string, labels: Record<string, string>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k] ?? ''}`);
  return hash53([ruleId, ...sorted].join('\u0000')).toString(16).padStart(14, '0');
}
