// The side panel of a clicked node: its numbers, where its messages come from and go to, and a link on.
import { AppLink } from '../../components/AppLink.tsx';
import { Badge } from '../../components/Badge.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { formatCount, formatRate } from '../../lib/format.ts';
import { routes } from '../../routes.ts';
import type { ViewGraph, ViewNode } from './group.ts';
import type { FlowEdge } from './queries.ts';

function nodeLink(n: ViewNode): string | null {
  if ((n.kind === 'topic' || n.kind === 'exchange') && n.broker) return routes.stream(n.broker, n.label);
  if ((n.kind === 'group' || n.kind === 'queue') && n.broker) return routes.lagGroup(n.broker, n.label);
  return null;
}

function edgeColumns(view: ViewGraph, end: 'source' | 'target'): Column<FlowEdge>[] {
  const byId = new Map(view.nodes.map((n) => [n.id, n]));
  return [
    { key: 'node', header: end === 'source' ? 'From' : 'To', cell: (e) => byId.get(e[end])?.label ?? e[end] },
    { key: 'rate', header: 'Now', align: 'right', cell: (e) => formatRate(e.msg_per_sec) },
    { key: 'count', header: 'In range', align: 'right', cell: (e) => formatCount(e.count) },
    { key: 'state', header: 'State', cell: (e) => <Badge value={e.alert_state} /> },
  ];
}

export function NodeDetail({
  view,
  node,
  onClose,
  onUnfold,
}: {
  view: ViewGraph;
  node: ViewNode;
  onClose: () => void;
  onUnfold: (domain: string) => void;
}) {
  const incoming = view.edges.filter((e) => e.target === node.id);
  const outgoing = view.edges.filter((e) => e.source === node.id);
  const link = nodeLink(node);
  return (
    <aside className="flow-detail" aria-label={`Details of ${node.label}`}>
      <header className="panel-head">
        <h2>{node.label}</h2>
        <button type="button" className="ghost small" onClick={onClose} aria-label="Close details">
          ✕
        </button>
      </header>
      <dl className="facts">
        <dt>Kind</dt>
        <dd>{node.kind === 'others' ? `${node.members.length} merged nodes` : node.kind}</dd>
        <dt>Broker</dt>
        <dd>{node.broker ?? '–'}</dd>
        <dt>Now</dt>
        <dd>{formatRate(node.msg_per_sec)}</dd>
        <dt>In range</dt>
        <dd>{formatCount(node.count)} messages</dd>
        <dt>Alerts</dt>
        <dd>
          <Badge value={node.alert_state} />
        </dd>
      </dl>
      {node.kind === 'domain' && (
        <p>
          <button type="button" className="small" onClick={() => onUnfold(node.label)}>
            Unfold {node.label}
          </button>
        </p>
      )}
      {node.kind === 'others' && (
        <p className="muted small">
          The quietest nodes of this kind here, merged to keep the map readable: focus on a name to see one.
        </p>
      )}
      {link && (
        <p>
          <AppLink to={link}>
            {node.kind === 'topic' || node.kind === 'exchange' ? 'Open stream detail →' : 'Open lag detail →'}
          </AppLink>
        </p>
      )}
      {incoming.length > 0 && (
        <>
          <h3>From</h3>
          <DataTable columns={edgeColumns(view, 'source')} rows={incoming} rowKey={(e) => e.id} dense headless />
        </>
      )}
      {outgoing.length > 0 && (
        <>
          <h3>To</h3>
          <DataTable columns={edgeColumns(view, 'target')} rows={outgoing} rowKey={(e) => e.id} dense headless />
        </>
      )}
    </aside>
  );
}
