// The topology drawn with React Flow: domains as boxes that fold, edge width by msg/s, colours by alert state,
// a minimap, and a first view that is readable (first-view.ts), with the rest a pan or the minimap away.
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import {
  Background,
  Controls,
  Handle,
  MarkerType,
  MiniMap,
  Position,
  ReactFlow,
  type Edge,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useTheme } from '../../app/theme.ts';
import { formatRate } from '../../lib/format.ts';
import { rateOf } from './rates.ts';
import type { ViewGraph, ViewNode } from './group.ts';
import { firstView } from './first-view.ts';
import { edgeWidth, layoutFlows, NODE_HEIGHT, NODE_WIDTH } from './layout.ts';

type TopologyData = { node: ViewNode; kind: string; selected: boolean };
type BoxData = { domain: string; nodes: number; state: ViewNode['alert_state']; onFold: (domain: string) => void };

const KIND_LABEL: Record<ViewNode['kind'], string> = {
  producer: 'producer',
  topic: 'topic',
  exchange: 'exchange',
  queue: 'queue',
  group: 'group',
  consumer: 'consumer',
  domain: 'domain',
  others: 'merged',
};

function TopologyNode({ data }: NodeProps<Node<TopologyData>>) {
  const n = data.node;
  return (
    <div
      className={`flow-node kind-${n.kind} state-${n.alert_state}${data.selected ? ' selected' : ''}`}
      style={{ width: NODE_WIDTH, height: NODE_HEIGHT }}
      title={`${data.kind} ${n.label}`}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="flow-node-kind">
        {data.kind}
        {n.broker ? ` · ${n.broker}` : ''}
        {n.kind === 'domain' ? ` · ${n.members.length} nodes` : ''}
      </div>
      <div className="flow-node-label">{n.display}</div>
      <div className="flow-node-rate">{formatRate(n.msg_per_sec)}</div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

function DomainBox({ data, width, height }: NodeProps<Node<BoxData>>) {
  return (
    <div className={`flow-box state-${data.state}`} style={{ width, height }}>
      <button
        type="button"
        className="flow-box-head nodrag"
        onClick={() => data.onFold(data.domain)}
        aria-label={`Fold ${data.domain}`}
        title="Fold this domain into one node"
      >
        ▾ {data.domain} <span className="muted">· {data.nodes}</span>
      </button>
    </div>
  );
}

const nodeTypes = { topology: TopologyNode, box: DomainBox };
const STATE_COLOR = { ok: 'var(--edge)', pending: 'var(--warn)', firing: 'var(--bad)' } as const;
const ARROW = { ok: '#8a94a6', pending: '#d08a00', firing: '#d64545' } as const;

function toGraph(view: ViewGraph, selected: string | null, onFold: (domain: string) => void) {
  const { placed, boxes } = layoutFlows(view.nodes, view.edges);
  const maxRate = Math.max(0, ...view.edges.map(rateOf));
  const states = new Map<string, ViewNode['alert_state']>();
  for (const p of placed)
    if (p.node.domain && p.node.alert_state !== 'ok' && states.get(p.node.domain) !== 'firing')
      states.set(p.node.domain, p.node.alert_state);
  const boxNodes: Node<BoxData>[] = boxes.map((b) => ({
    id: `box:${b.domain}`,
    type: 'box',
    position: { x: b.x, y: b.y },
    width: b.width,
    height: b.height,
    data: {
      domain: b.domain,
      nodes: placed.filter((p) => p.node.domain === b.domain).length,
      state: states.get(b.domain) ?? 'ok',
      onFold,
    },
    draggable: false,
    selectable: false,
    focusable: false,
    zIndex: -1,
    ariaLabel: `domain ${b.domain}`,
  }));
  // A service's role in what is drawn: the API calls a service that both consumes and publishes a producer.
  const consumes = new Set(view.edges.map((e) => e.target));
  const publishes = new Set(view.edges.map((e) => e.source));
  const kindOf = (node: ViewNode) =>
    (node.kind === 'producer' || node.kind === 'consumer') && consumes.has(node.id)
      ? publishes.has(node.id)
        ? 'service'
        : 'consumer'
      : KIND_LABEL[node.kind];
  const nodes: Node<TopologyData>[] = placed.map(({ node, x, y }) => {
    const kind = kindOf(node);
    return {
      id: node.id,
      type: 'topology',
      position: { x, y },
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
      data: { node, kind, selected: node.id === selected },
      draggable: false,
      connectable: false,
      ariaLabel: `${kind} ${node.label}`,
    };
  });
  const edges: Edge[] = view.edges.map((e) => ({
    id: e.id,
    source: e.source,
    target: e.target,
    label: formatRate(e.msg_per_sec),
    animated: e.alert_state === 'firing',
    style: { stroke: STATE_COLOR[e.alert_state], strokeWidth: edgeWidth(rateOf(e), maxRate) },
    // fixed-size arrows: by default the marker scales with the stroke, which makes busy edges' arrows huge
    markerEnd: {
      type: MarkerType.ArrowClosed,
      color: ARROW[e.alert_state],
      width: 14,
      height: 14,
      markerUnits: 'userSpaceOnUse',
    },
    labelStyle: { fontSize: 12, fill: 'var(--text)' },
    labelBgStyle: { fill: 'var(--surface)' },
  }));
  return { nodes: [...boxNodes, ...nodes] as Node[], edges, placed, boxes };
}

interface FlowGraphProps {
  view: ViewGraph;
  selected: string | null;
  onSelect: (id: string | null) => void;
  onFold: (domain: string) => void;
  /** Remounts the canvas (and fits it again) when the view changes, not on every refresh. */
  viewKey: string;
}

export function FlowGraph({ view, selected, onSelect, onFold, viewKey }: FlowGraphProps) {
  const { theme } = useTheme();
  const wrap = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  useLayoutEffect(() => {
    const r = wrap.current?.getBoundingClientRect();
    if (r) setSize({ width: r.width, height: r.height });
  }, []);
  const graph = useMemo(() => toGraph(view, selected, onFold), [view, selected, onFold]);

  // placed once per view: refreshes and selections must not move the camera
  const fit = useMemo(
    () => (size ? firstView(graph.placed, view.edges, selected, size, graph.boxes) : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [size, viewKey],
  );

  return (
    <div className="flow-canvas" ref={wrap} aria-label="Flow map">
      {fit && (
        <ReactFlow
          key={viewKey}
          nodes={graph.nodes}
          edges={graph.edges}
          nodeTypes={nodeTypes}
          colorMode={theme}
          defaultViewport={fit.viewport}
          minZoom={0.05}
          nodesDraggable={false}
          nodesConnectable={false}
          onNodeClick={(_, n) => {
            if (n.type === 'topology') onSelect(n.id);
          }}
          onPaneClick={() => onSelect(null)}
          proOptions={{ hideAttribution: true }}
        >
          <Background gap={20} size={1} />
          <Controls showInteractive={false} />
          <MiniMap
            pannable
            zoomable
            ariaLabel="Minimap of the flow map"
            nodeColor={(n) =>
              n.type === 'box' ? 'transparent' : STATE_COLOR[(n.data as TopologyData).node.alert_state]
            }
            nodeStrokeColor={(n) => (n.type === 'box' ? 'var(--border)' : 'transparent')}
          />
        </ReactFlow>
      )}
    </div>
  );
}
