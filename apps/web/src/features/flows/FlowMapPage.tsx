// The topology as a graph, laid out left to right; edge width by msg/s, colours by alert state.
import { useMemo, useState } from 'react';
import { Background, Controls, Handle, MarkerType, Position, ReactFlow, type Edge, type Node, type NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useLive } from '../../app/use-live.ts';
import { useTimeRange } from '../../app/time-range.ts';
import { useTheme } from '../../app/theme.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { Badge } from '../../components/Badge.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { Page } from '../../components/Page.tsx';
import { Empty, Panel, QueryState } from '../../components/Panel.tsx';
import { formatCount, formatRate } from '../../lib/format.ts';
import { useSearchParam } from '../../lib/use-search-param.ts';
import { routes } from '../../routes.ts';
import { focusFlows } from './focus.ts';
import { edgeWidth, layoutFlows, NODE_HEIGHT, NODE_WIDTH } from './layout.ts';
import { flowQueries, type FlowEdge, type FlowNode, type Flows } from './queries.ts';

type FlowNodeData = { node: FlowNode; selected: boolean };

const KIND_LABEL: Record<FlowNode['kind'], string> = { producer: 'producer', topic: 'topic', exchange: 'exchange', queue: 'queue', group: 'group', consumer: 'consumer' };

function TopologyNode({ data }: NodeProps<Node<FlowNodeData>>) {
  const n = data.node;
  return (
    <div className={`flow-node kind-${n.kind} state-${n.alert_state}${data.selected ? ' selected' : ''}`} style={{ width: NODE_WIDTH, height: NODE_HEIGHT }} title={`${n.kind} ${n.label}`}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="flow-node-kind">
        {KIND_LABEL[n.kind]}
        {n.broker ? ` · ${n.broker}` : ''}
      </div>
      <div className="flow-node-label">{n.label}</div>
      <div className="flow-node-rate">{formatRate(n.msg_per_sec)}</div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

const nodeTypes = { topology: TopologyNode };
const STATE_COLOR = { ok: 'var(--edge)', pending: 'var(--warn)', firing: 'var(--bad)' } as const;

function toGraph(flows: Flows, selected: string | null): { nodes: Node<FlowNodeData>[]; edges: Edge[] } {
  const placed = layoutFlows(flows.nodes, flows.edges);
  const maxRate = Math.max(0, ...flows.edges.map((e) => e.msg_per_sec));
  return {
    nodes: placed.map(({ node, x, y }) => ({ id: node.id, type: 'topology', position: { x, y }, data: { node, selected: node.id === selected }, draggable: false, connectable: false, ariaLabel: `${node.kind} ${node.label}` })),
    edges: flows.edges.map((e) => ({
      id: e.id,
      source: e.source,
      target: e.target,
      label: formatRate(e.msg_per_sec),
      animated: e.alert_state === 'firing',
      style: { stroke: STATE_COLOR[e.alert_state], strokeWidth: edgeWidth(e.msg_per_sec, maxRate) },
      // fixed-size arrows: by default the marker scales with the stroke, which makes busy edges' arrows huge
      markerEnd: { type: MarkerType.ArrowClosed, color: e.alert_state === 'ok' ? '#8a94a6' : e.alert_state === 'pending' ? '#d08a00' : '#d64545', width: 14, height: 14, markerUnits: 'userSpaceOnUse' },
      labelStyle: { fontSize: 11, fill: 'var(--muted)' },
      labelBgStyle: { fill: 'var(--surface)' },
    })),
  };
}

function streamLink(n: FlowNode): string | null {
  if ((n.kind === 'topic' || n.kind === 'exchange') && n.broker) return routes.stream(n.broker, n.label);
  if ((n.kind === 'group' || n.kind === 'queue') && n.broker) return routes.lagGroup(n.broker, n.label);
  return null;
}

function edgeColumns(flows: Flows, end: 'source' | 'target'): Column<FlowEdge>[] {
  const byId = new Map(flows.nodes.map((n) => [n.id, n]));
  return [
    { key: 'node', header: end === 'source' ? 'From' : 'To', cell: (e) => byId.get(e[end])?.label ?? e[end] },
    { key: 'rate', header: 'Rate', align: 'right', cell: (e) => formatRate(e.msg_per_sec) },
    { key: 'count', header: 'Count', align: 'right', cell: (e) => formatCount(e.count) },
    { key: 'state', header: 'State', cell: (e) => <Badge value={e.alert_state} /> },
  ];
}

function NodeDetail({ flows, node, onClose }: { flows: Flows; node: FlowNode; onClose: () => void }) {
  const incoming = flows.edges.filter((e) => e.target === node.id);
  const outgoing = flows.edges.filter((e) => e.source === node.id);
  const link = streamLink(node);
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
        <dd>{node.kind}</dd>
        <dt>Broker</dt>
        <dd>{node.broker ?? '–'}</dd>
        <dt>Rate</dt>
        <dd>{formatRate(node.msg_per_sec)}</dd>
        <dt>Alerts</dt>
        <dd>
          <Badge value={node.alert_state} />
        </dd>
      </dl>
      {link && (
        <p>
          <AppLink to={link}>{node.kind === 'topic' || node.kind === 'exchange' ? 'Open stream detail →' : 'Open lag detail →'}</AppLink>
        </p>
      )}
      {incoming.length > 0 && (
        <>
          <h3>From</h3>
          <DataTable columns={edgeColumns(flows, 'source')} rows={incoming} rowKey={(e) => e.id} dense headless />
        </>
      )}
      {outgoing.length > 0 && (
        <>
          <h3>To</h3>
          <DataTable columns={edgeColumns(flows, 'target')} rows={outgoing} rowKey={(e) => e.id} dense headless />
        </>
      )}
    </aside>
  );
}

function FlowGraph({ flows: all, search, showIdle }: { flows: Flows; search: string; showIdle: boolean }) {
  const [selected, setSelected] = useState<string | null>(null);
  const { theme } = useTheme();
  const flows = useMemo(() => focusFlows(all, { search, showIdle }), [all, search, showIdle]);
  const graph = useMemo(() => toGraph(flows, selected), [flows, selected]);
  const node = flows.nodes.find((n) => n.id === selected);
  if (flows.nodes.length === 0) return <Empty>{search ? `No node matches "${search}".` : 'Only idle nodes in this range (show them with "Show idle").'}</Empty>;
  return (
    <div className="flow-wrap">
      <div className="flow-canvas" aria-label="Flow map">
        <ReactFlow
          key={`${search}|${showIdle}`}
          nodes={graph.nodes}
          edges={graph.edges}
          nodeTypes={nodeTypes}
          colorMode={theme}
          fitView
          fitViewOptions={{ maxZoom: 1.2 }}
          minZoom={0.1}
          nodesDraggable={false}
          nodesConnectable={false}
          onNodeClick={(_, n) => setSelected(n.id)}
          onPaneClick={() => setSelected(null)}
          proOptions={{ hideAttribution: true }}
        >
          <Background gap={20} size={1} />
          <Controls showInteractive={false} />
        </ReactFlow>
      </div>
      {node && <NodeDetail flows={flows} node={node} onClose={() => setSelected(null)} />}
    </div>
  );
}

export default function FlowMapPage() {
  const { params } = useTimeRange();
  const query = useLive(flowQueries.graph(params));
  // the focus is part of the view, so it lives in the URL like the time range
  const [search, setSearch] = useSearchParam('q');
  const [idle, setIdle] = useSearchParam('idle');
  const showIdle = idle === '1';
  return (
    <Page
      title="Flows"
      fill
      meta={
        <div className="legend small">
          <span className="legend-item">
            <i className="swatch ok" /> ok
          </span>
          <span className="legend-item">
            <i className="swatch pending" /> pending
          </span>
          <span className="legend-item">
            <i className="swatch firing" /> firing
          </span>
          <span className="muted">edge width: msg/s · click a node for details</span>
        </div>
      }
    >
      <div className="toolbar">
        <input type="search" placeholder="Focus on a service, topic, exchange or queue" aria-label="Focus on nodes" value={search} onChange={(e) => setSearch(e.target.value)} />
        <label className="check">
          <input type="checkbox" checked={showIdle} onChange={(e) => setIdle(e.target.checked ? '1' : '')} /> Show idle
        </label>
        {query.data && <span className="muted small">{query.data.nodes.length} nodes in range</span>}
      </div>
      <Panel className="panel-fill">
        <QueryState query={query} isEmpty={(d) => d.nodes.length === 0} empty="No traffic in this range, so no topology to draw.">
          {(d) => <FlowGraph flows={d} search={search} showIdle={showIdle} />}
        </QueryState>
      </Panel>
    </Page>
  );
}
