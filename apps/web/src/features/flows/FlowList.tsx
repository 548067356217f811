// The flow map as a list of paths (phones, and anyone who would rather read than pan): failing paths first.
import { useState } from 'react';
import { AppLink } from '../../components/AppLink.tsx';
import { Badge } from '../../components/Badge.tsx';
import { formatRate } from '../../lib/format.ts';
import { routes } from '../../routes.ts';
import type { FlowPath } from './paths.ts';
import type { FlowNode } from './queries.ts';

const PAGE = 20;

function Names({ nodes, empty }: { nodes: FlowNode[]; empty: string }) {
  if (nodes.length === 0) return <span className="muted">{empty}</span>;
  const shown = nodes.slice(0, 3);
  return (
    <span>
      {shown.map((n) => n.label).join(', ')}
      {nodes.length > shown.length ? ` +${nodes.length - shown.length}` : ''}
    </span>
  );
}

function Hop({ node, kind }: { node: FlowNode; kind: string }) {
  const to = node.broker
    ? node.kind === 'topic' || node.kind === 'exchange'
      ? routes.stream(node.broker, node.label)
      : routes.lagGroup(node.broker, node.label)
    : null;
  return (
    <span className="flow-path-hop">
      <span className="flow-path-kind">{kind}</span> {to ? <AppLink to={to}>{node.label}</AppLink> : node.label}
    </span>
  );
}

export function FlowList({ paths }: { paths: FlowPath[] }) {
  const [shown, setShown] = useState(PAGE);
  if (paths.length === 0) return <p className="muted flow-list-empty">No paths in view.</p>;
  return (
    <div className="flow-list-wrap">
      <ol className="flow-list" aria-label="Flow paths">
        {paths.slice(0, shown).map((p) => (
          <li
            key={p.id}
            className={`flow-path state-${p.state}`}
            aria-label={`${p.state} path through ${p.stream.label}`}
          >
            <div className="flow-path-head">
              <Badge value={p.state} />
              <span className="flow-path-rate">
                {formatRate(p.published)} published
                {p.via ? ` · ${formatRate(p.delivered)} to ${p.via.kind}` : ''}
              </span>
            </div>
            <div className="flow-path-chain">
              <span className="flow-path-hop">
                <span className="flow-path-kind">from</span> <Names nodes={p.producers} empty="no producer seen" />
              </span>
              <span aria-hidden="true">→</span>
              <Hop node={p.stream} kind={p.stream.kind} />
              {p.via && (
                <>
                  <span aria-hidden="true">→</span>
                  <Hop node={p.via} kind={p.via.kind} />
                  <span aria-hidden="true">→</span>
                  <span className="flow-path-hop">
                    <span className="flow-path-kind">to</span> <Names nodes={p.consumers} empty="no consumer seen" />
                  </span>
                </>
              )}
            </div>
          </li>
        ))}
      </ol>
      {paths.length > shown && (
        <button type="button" className="small" onClick={() => setShown(shown + PAGE)}>
          Show {Math.min(PAGE, paths.length - shown)} more of {paths.length - shown}
        </button>
      )}
    </div>
  );
}
