// Which part of the topology to draw: busy nodes only unless asked, and the chains through nodes that match
// a search, so one pipeline can be picked out of a busy broker.
import type { Flows } from './queries.ts';

export function focusFlows(flows: Flows, { search, showIdle }: { search: string; showIdle: boolean }): Flows {
  let edges = showIdle ? flows.edges : flows.edges.filter((e) => e.msg_per_sec > 0 || e.alert_state !== 'ok');
  const connected = new Set(edges.flatMap((e) => [e.source, e.target]));
  let nodes = showIdle ? flows.nodes : flows.nodes.filter((n) => connected.has(n.id) || n.msg_per_sec > 0 || n.alert_state !== 'ok');

  const needle = search.trim().toLowerCase();
  if (needle) {
    const matches = nodes.filter((n) => n.label.toLowerCase().includes(needle)).map((n) => n.id);
    // follow edges forward from the matches and backward to them, never both ways through one node, so a hub
    // (amq.default, a shared service) does not pull in every other chain
    const keep = new Set(matches);
    const walk = (forward: boolean) => {
      const queue = [...matches];
      const seen = new Set(matches);
      while (queue.length > 0) {
        const id = queue.shift() ?? '';
        for (const e of edges) {
          const [from, to] = forward ? [e.source, e.target] : [e.target, e.source];
          if (from === id && !seen.has(to)) {
            seen.add(to);
            keep.add(to);
            queue.push(to);
          }
        }
      }
    };
    walk(true);
    walk(false);
    nodes = nodes.filter((n) => keep.has(n.id));
  }
  const ids = new Set(nodes.map((n) => n.id));
  edges = edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  return { ...flows, nodes, edges };
}
