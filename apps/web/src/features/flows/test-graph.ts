// Edges for the flow map's tests: a minute's count at the given rate, no alert.
import type { FlowEdge } from './queries.ts';

export const testEdge = (source: string, target: string, msg_per_sec = 1): FlowEdge => ({
  id: `${source}->${target}`,
  source,
  target,
  msg_per_sec,
  count: 60 * msg_per_sec,
  alert_state: 'ok',
});
