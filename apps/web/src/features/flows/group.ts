// What the map draws once a graph is chosen: nodes grouped by domain (the first dotted segment of a stream,
// queue or group name: payments.orders belongs to payments), folded domains drawn as one node, and in each
// domain at most PER_GROUP nodes of a kind, the quietest beyond that merged into "N other exchanges".
import { stateRank, worstState } from './focus.ts';
import type { FlowAlertState, FlowEdge, FlowNode, Flows } from './queries.ts';
import { rateOf, sumRates } from './rates.ts';

export type ViewKind = FlowNode['kind'] | 'domain' | 'others';

export interface ViewNode {
  id: string;
  kind: ViewKind;
  /** The full name (what search and accessible names use). */
  label: string;
  /** What the node shows: the name without its domain inside the domain's box. */
  display: string;
  broker: FlowNode['broker'];
  msg_per_sec: number | null;
  count: number;
  alert_state: FlowAlertState;
  domain: string | null;
  /** For a folded domain or merged nodes: the nodes it stands for. */
  members: string[];
}

export interface ViewGraph {
  nodes: ViewNode[];
  edges: FlowEdge[];
}

export const PER_GROUP = 8;

const PLURAL: Record<ViewKind, string> = {
  producer: 'producers',
  consumer: 'consumers',
  topic: 'topics',
  exchange: 'exchanges',
  queue: 'queues',
  group: 'groups',
  domain: 'domains',
  others: 'nodes',
};

/** Services are their own unit; streams, queues and groups belong to the first segment of a dotted name. */
export function domainOf(n: Pick<FlowNode, 'kind' | 'label'>): string | null {
  if (n.kind === 'producer' || n.kind === 'consumer') return null;
  const dot = n.label.indexOf('.');
  return dot > 0 && dot < n.label.length - 1 ? n.label.slice(0, dot) : null;
}

const push = <T>(map: Map<string, T[]>, key: string, value: T) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

const busier = (a: ViewNode, b: ViewNode) =>
  stateRank(b.alert_state) - stateRank(a.alert_state) ||
  rateOf(b) - rateOf(a) ||
  b.count - a.count ||
  (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function merge(id: string, kind: ViewKind, label: string, domain: string | null, members: ViewNode[]): ViewNode {
  const brokers = new Set(members.map((m) => m.broker));
  return {
    id,
    kind,
    label,
    display: label,
    broker: brokers.size === 1 ? (members[0]?.broker ?? null) : null,
    msg_per_sec: sumRates(members),
    count: members.reduce((a, m) => a + m.count, 0),
    alert_state: worstState(members.map((m) => m.alert_state)),
    domain,
    members: members.flatMap((m) => (m.members.length > 0 ? m.members : [m.id])),
  };
}

/** Folds the `folded` domains and merges the quietest nodes of each domain and kind past `perGroup`. */
export function groupFlows(
  flows: Pick<Flows, 'nodes' | 'edges'>,
  folded: ReadonlySet<string>,
  perGroup = PER_GROUP,
): ViewGraph {
  const into = new Map<string, string>();
  let nodes: ViewNode[] = flows.nodes.map((n) => {
    const domain = domainOf(n);
    const display = domain && !folded.has(domain) ? n.label.slice(domain.length + 1) : n.label;
    return { ...n, display, domain, members: [] };
  });

  const folds = new Map<string, ViewNode[]>();
  for (const n of nodes) if (n.domain && folded.has(n.domain)) push(folds, n.domain, n);
  const foldedNodes = [...folds].map(([domain, members]) => {
    const node = merge(`domain:${domain}`, 'domain', domain, null, members);
    for (const m of members) into.set(m.id, node.id);
    return node;
  });
  nodes = [...nodes.filter((n) => !into.has(n.id)), ...foldedNodes];

  const byGroup = new Map<string, ViewNode[]>();
  for (const n of nodes) {
    const key = `${n.domain ?? ''}\u0000${n.kind}`;
    push(byGroup, key, n);
  }
  const merged: ViewNode[] = [];
  for (const members of byGroup.values()) {
    if (members.length <= perGroup) continue;
    const quiet = [...members].sort(busier).slice(perGroup - 1);
    const first = quiet[0];
    if (!first) continue;
    const node = merge(
      `others:${first.domain ?? ''}:${first.kind}`,
      'others',
      `${quiet.length} other ${PLURAL[first.kind]}`,
      first.domain,
      quiet,
    );
    for (const m of quiet) into.set(m.id, node.id);
    merged.push(node);
  }
  nodes = [...nodes.filter((n) => !into.has(n.id)), ...merged];

  const edges = new Map<string, FlowEdge>();
  for (const e of flows.edges) {
    const source = into.get(e.source) ?? e.source;
    const target = into.get(e.target) ?? e.target;
    if (source === target) continue;
    const id = `${source}->${target}`;
    const prev = edges.get(id);
    edges.set(
      id,
      prev
        ? {
            ...prev,
            msg_per_sec: sumRates([prev, e]),
            count: prev.count + e.count,
            alert_state: worstState([prev.alert_state, e.alert_state]),
          }
        : { ...e, id, source, target },
    );
  }
  return { nodes, edges: [...edges.values()] };
}

/** Domains in view with how many nodes each holds and its worst state. */
export function domainsOf(
  nodes: Pick<FlowNode, 'kind' | 'label' | 'alert_state'>[],
): Map<string, { nodes: number; state: FlowAlertState }> {
  const out = new Map<string, { nodes: number; state: FlowAlertState }>();
  for (const n of nodes) {
    const d = domainOf(n);
    if (!d) continue;
    const prev = out.get(d) ?? { nodes: 0, state: 'ok' };
    out.set(d, { nodes: prev.nodes + 1, state: worstState([prev.state, n.alert_state]) });
  }
  return out;
}
