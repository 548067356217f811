// The flow map page: which part of the topology to show (the paths with alerts by default, a search, or all),
// as a graph or, on a phone, as a list of paths; every choice lives in the URL so a link reproduces the view.
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import { useLive } from '../../app/use-live.ts';
import { useTimeRange } from '../../app/time-range.ts';
import { Page } from '../../components/Page.tsx';
import { Empty, Panel, QueryState } from '../../components/Panel.tsx';
import { formatCount } from '../../lib/format.ts';
import { useSearchParam } from '../../lib/use-search-param.ts';
import { FlowGraph } from './FlowGraph.tsx';
import { FlowList } from './FlowList.tsx';
import { NodeDetail } from './NodeDetail.tsx';
import { activeFlows, defaultStreams, pathsThrough, searchFlows } from './focus.ts';
import { domainOf, domainsOf, groupFlows } from './group.ts';
import { listPaths } from './paths.ts';
import { flowQueries, FLOWS_DEFAULT_LIMIT, type Flows } from './queries.ts';
import './flows.css';

/** Past this many nodes, domains without alerts open folded. */
const FOLD_ABOVE = 40;
const NARROW = '(max-width: 760px)';

function useNarrow(): boolean {
  return useSyncExternalStore(
    (notify) => {
      const m = window.matchMedia(NARROW);
      m.addEventListener('change', notify);
      return () => m.removeEventListener('change', notify);
    },
    () => window.matchMedia(NARROW).matches,
  );
}

const clock = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
const toggled = (list: string) => new Set(list.split(',').filter(Boolean));

interface ViewState {
  search: string;
  showIdle: boolean;
  all: boolean;
  fold: string;
  node: string;
  list: boolean;
}

function FlowView({
  flows,
  state,
  set,
}: {
  flows: Flows;
  state: ViewState;
  set: (key: 'fold' | 'node' | 'view', value: string) => void;
}) {
  const active = useMemo(() => activeFlows(flows, state.showIdle), [flows, state.showIdle]);
  const chosen = useMemo(() => {
    if (state.search) return { flows: searchFlows(active, state.search), reason: 'search' as const };
    if (state.all) return { flows: active, reason: 'all' as const };
    const seeds = defaultStreams(active);
    return { flows: pathsThrough(active, seeds.ids), reason: seeds.reason, streams: seeds.ids.length };
  }, [active, state.search, state.all]);

  // Large views open with the domains that have no alert (and no search match) folded; the URL keeps the exceptions.
  const folded = useMemo(() => {
    const needle = state.search.trim().toLowerCase();
    const open = new Set(
      chosen.flows.nodes
        .filter((n) => needle && n.label.toLowerCase().includes(needle))
        .flatMap((n) => domainOf(n) ?? []),
    );
    const byDefault =
      chosen.flows.nodes.length > FOLD_ABOVE
        ? [...domainsOf(chosen.flows.nodes)].filter(([d, info]) => info.state === 'ok' && !open.has(d)).map(([d]) => d)
        : [];
    const out = new Set(byDefault);
    for (const d of toggled(state.fold))
      if (out.has(d)) out.delete(d);
      else out.add(d);
    return out;
  }, [chosen, state.fold, state.search]);

  const fold = useCallback(
    (domain: string) => {
      const t = toggled(state.fold);
      if (t.has(domain)) t.delete(domain);
      else t.add(domain);
      set('fold', [...t].sort().join(','));
    },
    [state.fold, set],
  );
  const view = useMemo(() => groupFlows(chosen.flows, folded), [chosen, folded]);
  const paths = useMemo(() => listPaths(chosen.flows), [chosen]);
  const node = view.nodes.find((n) => n.id === state.node);
  const select = useCallback((id: string | null) => set('node', id ?? ''), [set]);

  const what =
    chosen.reason === 'alerts'
      ? `Paths through the ${chosen.streams} stream${chosen.streams === 1 ? '' : 's'} with alerts`
      : chosen.reason === 'busiest'
        ? `No alerts: paths through the ${chosen.streams} busiest stream${chosen.streams === 1 ? '' : 's'}`
        : chosen.reason === 'search'
          ? `Chains through "${state.search}"`
          : 'Every path';

  const showAll = chosen.reason !== 'all' &&
    chosen.reason !== 'search' &&
    active.nodes.length > chosen.flows.nodes.length && (
      <>
        {' · '}
        <button type="button" className="link" onClick={() => set('view', 'all')}>
          {state.list ? 'show every path' : `show all ${formatCount(active.nodes.length)} nodes`}
        </button>
      </>
    );
  if (state.list) {
    return (
      <>
        <p className="flow-note muted small">
          {what}, failing first · {paths.length} path{paths.length === 1 ? '' : 's'}
          {showAll}
        </p>
        <FlowList paths={paths} />
      </>
    );
  }
  if (view.nodes.length === 0)
    return (
      <Empty>
        {state.search
          ? `No node matches "${state.search}".`
          : 'Only idle nodes in this range (show them with "Show idle").'}
      </Empty>
    );
  return (
    <>
      <p className="flow-note muted small">
        {what} · {view.nodes.length} nodes
        {showAll}
        {folded.size > 0 && ` · ${folded.size} domain${folded.size === 1 ? '' : 's'} folded (click one to open it)`}
      </p>
      <div className="flow-wrap">
        <FlowGraph
          view={view}
          selected={node?.id ?? null}
          onSelect={select}
          onFold={fold}
          viewKey={`${chosen.reason}|${state.search}|${state.showIdle}|${[...folded].join(',')}`}
        />
        {node && <NodeDetail view={view} node={node} onClose={() => select(null)} onUnfold={fold} />}
      </div>
    </>
  );
}

export default function FlowMapPage() {
  const { params } = useTimeRange();
  const [limitParam, setLimit] = useSearchParam('limit');
  const limit = Number(limitParam) > 0 ? Number(limitParam) : undefined;
  const query = useLive(flowQueries.graph(params, limit));
  const [search, setSearch] = useSearchParam('q');
  const [idle, setIdle] = useSearchParam('idle');
  const [mode, setMode] = useSearchParam('view');
  const [fold, setFold] = useSearchParam('fold');
  const [node, setNode] = useSearchParam('node');
  const [layout, setLayout] = useSearchParam('layout');
  const narrow = useNarrow();
  const list = layout === 'list' || (layout === '' && narrow);
  const set = useCallback(
    (key: 'fold' | 'node' | 'view', value: string) => {
      if (key === 'fold') setFold(value);
      else if (key === 'node') setNode(value);
      else setMode(value);
    },
    [setFold, setNode, setMode],
  );
  const d = query.data;
  const state: ViewState = { search, showIdle: idle === '1', all: mode === 'all', fold, node, list };
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
          {!list && <span className="muted">edge width: msg/s · click a node for details</span>}
        </div>
      }
    >
      <div className="toolbar flow-toolbar">
        <input
          type="search"
          placeholder="Focus on a service, topic, exchange or queue"
          aria-label="Focus on nodes"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <div className="chips" role="group" aria-label="What to show">
          <button type="button" className="chip" aria-pressed={mode !== 'all'} onClick={() => setMode('')}>
            Alerts or busiest
          </button>
          <button type="button" className="chip" aria-pressed={mode === 'all'} onClick={() => setMode('all')}>
            All
          </button>
        </div>
        <div className="chips" role="group" aria-label="Draw as">
          <button type="button" className="chip" aria-pressed={!list} onClick={() => setLayout(narrow ? 'map' : '')}>
            Map
          </button>
          <button type="button" className="chip" aria-pressed={list} onClick={() => setLayout(narrow ? '' : 'list')}>
            List
          </button>
        </div>
        <label className="check">
          <input type="checkbox" checked={state.showIdle} onChange={(e) => setIdle(e.target.checked ? '1' : '')} /> Show
          idle
        </label>
      </div>
      {d && (
        <p className="flow-basis muted small">
          msg/s: publishes and deliveries per second over the last complete minutes ({clock(d.rate_window.from)}–
          {clock(d.rate_window.to)}); counts over the range ({clock(d.from)}–{clock(d.to)}).
          {d.omitted.streams > 0 && (
            <>
              {' '}
              <strong>{formatCount(d.omitted.streams)} more topics and exchanges</strong> (quieter, without alerts) are
              not drawn.{' '}
              <button type="button" className="link" onClick={() => setLimit(String(Math.min(20_000, d.limit * 4)))}>
                Show up to {formatCount(Math.min(20_000, d.limit * 4))}
              </button>
              {limit !== undefined && limit !== FLOWS_DEFAULT_LIMIT && (
                <>
                  {' '}
                  <button type="button" className="link" onClick={() => setLimit('')}>
                    back to {FLOWS_DEFAULT_LIMIT}
                  </button>
                </>
              )}
            </>
          )}
        </p>
      )}
      <Panel className="panel-fill">
        <QueryState
          query={query}
          isEmpty={(data) => data.nodes.length === 0}
          empty="No traffic in this range, so no topology to draw."
        >
          {(data) => <FlowView flows={data} state={state} set={set} />}
        </QueryState>
      </Panel>
    </Page>
  );
}
