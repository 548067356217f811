// Which part of the topology to draw: busy nodes only unless asked; the chains through nodes that match a search,
// so one pipeline can be picked out of a busy broker; and, by default, the paths through the streams that have
// alerts (or, with none, the busiest), so the map opens on what an on-call engineer came for.
import type { FlowNode, Flows } from './queries.ts';
import { rateOf } from './rates.ts';

const RANK = { ok: 0, pending: 1, firing: 2 } as const;
const isStream = (n: Pick<FlowNode, 'kind'>) => n.kind === 'topic' || n.kind === 'exchange';
/** How many of the busiest streams the default view draws when nothing is alerting. */
export const BUSIEST = 5;

/** Drops what carried nothing in the range and has no alert, unless asked to show it. */
export function activeFlows(flows: Flows, showIdle: boolean): Flows {
  if (showIdle) return flows;
  const edges = flows.edges.filter((e) => e.count > 0 || rateOf(e) > 0 || e.alert_state !== 'ok');
  const connected = new Set(edges.flatMap((e) => [e.source, e.target]));
  const nodes = flows.nodes.filter(
    (n) => connected.has(n.id) || n.count > 0 || rateOf(n) > 0 || n.alert_state !== 'ok',
  );
  return { ...flows, nodes, edges };
}

/** Each node's neighbours downstream (forward) or upstream. */
export function adjacency(flows: Pick<Flows, 'edges'>, forward: boolean): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of flows.edges) {
    const [from, to] = forward ? [e.source, e.target] : [e.target, e.source];
    const list = out.get(from);
    if (list) list.push(to);
    else out.set(from, [to]);
  }
  return out;
}

const within = (flows: Flows, keep: Set<string>): Flows => {
  const nodes = flows.nodes.filter((n) => keep.has(n.id));
  return { ...flows, nodes, edges: flows.edges.filter((e) => keep.has(e.source) && keep.has(e.target)) };
};

/** The chains through every node whose label contains `search`, followed forward and backward, never both ways
 * through one node, so a hub (amq.default, a shared service) does not pull in every other chain. */
export function searchFlows(flows: Flows, search: string): Flows {
  const needle = search.trim().toLowerCase();
  if (!needle) return flows;
  const matches = flows.nodes.filter((n) => n.label.toLowerCase().includes(needle)).map((n) => n.id);
  const keep = new Set(matches);
  for (const forward of [true, false]) {
    const next = adjacency(flows, forward);
    const queue = [...matches];
    const seen = new Set(matches);
    while (queue.length > 0) {
      for (const to of next.get(queue.pop() ?? '') ?? []) {
        if (seen.has(to)) continue;
        seen.add(to);
        keep.add(to);
        queue.push(to);
      }
    }
  }
  return within(flows, keep);
}

/** The streams the default view opens on: those with alerts, or else the busiest now. */
export function defaultStreams(flows: Flows): { ids: string[]; reason: 'alerts' | 'busiest' } {
  const streams = flows.nodes.filter(isStream);
  const alerting = streams.filter((n) => n.alert_state !== 'ok');
  if (alerting.length > 0) return { ids: alerting.map((n) => n.id), reason: 'alerts' };
  const busiest = streams
    .filter((n) => rateOf(n) > 0 || n.count > 0)
    .sort((a, b) => rateOf(b) - rateOf(a) || b.count - a.count || (a.id < b.id ? -1 : 1))
    .slice(0, BUSIEST);
  return { ids: busiest.map((n) => n.id), reason: 'busiest' };
}

/** Each stream's own path: its producers, the queues or groups it feeds, and their consumers. */
export function pathsThrough(flows: Flows, streams: string[]): Flows {
  const byId = new Map(flows.nodes.map((n) => [n.id, n]));
  const down = adjacency(flows, true);
  const up = adjacency(flows, false);
  const keep = new Set(streams);
  for (const id of streams) {
    for (const producer of up.get(id) ?? []) keep.add(producer);
    for (const via of down.get(id) ?? []) {
      if (isStream(byId.get(via) ?? { kind: 'topic' })) continue;
      keep.add(via);
      for (const consumer of down.get(via) ?? []) keep.add(consumer);
    }
  }
  return within(flows, keep);
}

export const worstState = (states: FlowNode['alert_state'][]): FlowNode['alert_state'] =>
  states.reduce((w, s) => (RANK[s] > RANK[w] ? s : w), 'ok' as FlowNode['alert_state']);
export const stateRank = (s: FlowNode['alert_state']) => RANK[s];
