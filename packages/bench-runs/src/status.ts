// A run's status from its counts: what every list and report shows first.
import type { RunResult, RunStatus } from '@rollcall/contract/bench';

export function statusOf(r: Pick<RunResult, 'sent' | 'lost' | 'duplicates' | 'failed'>): RunStatus {
  if (r.sent === 0) return 'failed';
  return r.lost > 0 || r.duplicates > 0 || r.failed > 0 ? 'lossy' : 'ok';
}
