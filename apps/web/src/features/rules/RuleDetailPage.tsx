// One rule: its YAML, its windows against what it expects (band or threshold) with its alerts' spans shaded, and a
// backtest that shades when it would have fired.
import { useState } from 'react';
import { useParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useLive } from '../../app/use-live.ts';
import { useTimeRange, type TimeRange } from '../../app/time-range.ts';
import { Badge } from '../../components/Badge.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { Empty, Panel, QueryState } from '../../components/Panel.tsx';
import { MissingKeys } from '../alerts/MissingKeys.tsx';
import { Page } from '../../components/Page.tsx';
import { Time } from '../../components/Time.tsx';
import { TimeSeriesChart } from '../../components/TimeSeriesChart.tsx';
import { formatDuration } from '../../lib/format.ts';
import { durationMs } from '../../app/time-range.ts';
import { alertQueries } from '../alerts/queries.ts';
import { ruleQueries, type Decision } from './queries.ts';
import { RuleValueChart, stateSpans, type StateSpan } from './RuleValueChart.tsx';

/** The spans of every alert of the rule (one per slice for a sliced rule) from the history in range. */
function ruleSpans(
  transitions: { at: string; fingerprint: string; rule_id: string; to_state: string }[],
  ruleId: string,
  end: number,
): StateSpan[] {
  const byAlert = new Map<string, typeof transitions>();
  for (const t of transitions)
    if (t.rule_id === ruleId) byAlert.set(t.fingerprint, [...(byAlert.get(t.fingerprint) ?? []), t]);
  return [...byAlert.values()].flatMap((ts) => stateSpans(ts, end));
}

/** The selected range as absolute times: a backtest is over a fixed span. */
function absolute(range: TimeRange, now: number): { from: string; to: string } {
  if (range.kind === 'absolute') return { from: range.from, to: range.to };
  return { from: new Date(now - (durationMs(range.range) ?? 3600_000)).toISOString(), to: new Date(now).toISOString() };
}

const judged = (decision: Decision) => decision === 'breached' || decision === 'clean';

/** "12 breached, 300 clean, 4 not watched": how the windows were decided, in words. */
function decisionCounts(windows: { decision: Decision }[]): string {
  const counts = new Map<Decision, number>();
  for (const w of windows) counts.set(w.decision, (counts.get(w.decision) ?? 0) + 1);
  return [...counts.entries()].map(([decision, n]) => `${n} ${decision}`).join(', ') + '.';
}

type Firing = { from: string; to: string | null };

function firingColumns(end: string): Column<Firing>[] {
  return [
    { key: 'from', header: 'Would have fired', cell: (f) => <Time value={f.from} /> },
    {
      key: 'to',
      header: 'Until',
      cell: (f) => (f.to ? <Time value={f.to} /> : <span className="muted">still firing at the end</span>),
    },
    { key: 'for', header: 'For', cell: (f) => formatDuration(Date.parse(f.to ?? end) - Date.parse(f.from)) },
  ];
}

function Backtest({ id }: { id: string }) {
  const { range } = useTimeRange();
  const [span, setSpan] = useState<{ from: string; to: string } | null>(null);
  const [cancelled, setCancelled] = useState(false);
  const client = useQueryClient();
  const options = ruleQueries.backtest(id, span?.from ?? '', span?.to ?? '');
  const query = useQuery({ ...options, enabled: span !== null });
  // Cancelling aborts the request's signal; the server stops the replay and its query when the request goes away.
  const cancel = () => {
    void client.cancelQueries({ queryKey: options.queryKey });
    client.removeQueries({ queryKey: options.queryKey });
    setSpan(null);
    setCancelled(true);
  };
  return (
    <Panel
      title="Backtest"
      id="backtest"
      actions={
        query.isFetching ? (
          <button type="button" onClick={cancel}>
            Cancel
          </button>
        ) : (
          <button
            type="button"
            onClick={() => {
              setCancelled(false);
              setSpan(absolute(range, Date.now()));
            }}
          >
            {span ? 'Run again over the selected range' : 'Run over the selected range'}
          </button>
        )
      }
    >
      {!span ? (
        <Empty>
          {cancelled
            ? 'Backtest cancelled.'
            : 'Replays the rule over stored history and shades when it would have fired.'}
        </Empty>
      ) : (
        <QueryState query={query} isEmpty={(d) => d.windows.length === 0} empty="No windows to judge in this range.">
          {(d) => (
            <>
              <p className="small muted">
                {d.windows.length} windows from <Time value={d.from} /> to <Time value={d.to} />:{' '}
                {d.firings.length === 0
                  ? 'it would not have fired.'
                  : `it would have fired ${d.firings.length} time${d.firings.length === 1 ? '' : 's'}.`}{' '}
                {decisionCounts(d.windows)}
              </p>
              <TimeSeriesChart
                ariaLabel="Backtest: value and threshold per window, fired spans shaded; windows not judged are gaps"
                shaded={d.firings.map((f) => ({ from: Date.parse(f.from), to: Date.parse(f.to ?? d.to) }))}
                series={[
                  // A window that was not judged (not watched, waiting, skipped) is a gap, never a zero.
                  {
                    key: 'value',
                    label: 'value',
                    points: d.windows.map((w) => ({ t: Date.parse(w.end), v: judged(w.decision) ? w.value : null })),
                  },
                  {
                    key: 'threshold',
                    label: 'threshold',
                    reference: true,
                    color: 'var(--bad)',
                    points: d.windows.map((w) => ({ t: Date.parse(w.end), v: w.threshold })),
                  },
                ]}
              />
              {d.firings.length > 0 && (
                <DataTable columns={firingColumns(d.to)} rows={d.firings} rowKey={(f) => f.from} dense />
              )}
            </>
          )}
        </QueryState>
      )}
    </Panel>
  );
}

export default function RuleDetailPage() {
  const { id = '' } = useParams();
  const { params } = useTimeRange();
  const query = useLive(ruleQueries.detail(id, params));
  const history = useLive(alertQueries.history(params));
  const r = query.data;
  return (
    <Page
      title={id}
      meta={
        r && (
          <>
            <Badge value={r.state} />
            <Badge value={r.severity} />
            <span className="muted">
              {r.type} · every {formatDuration(r.every_seconds * 1000)}
            </span>
          </>
        )
      }
      lead={r?.description}
    >
      <Panel title="Observed against expected" id="evaluations">
        <QueryState query={query} isEmpty={(d) => d.evaluations.length === 0} empty="No evaluations in this range.">
          {(d) => (
            <RuleValueChart
              ariaLabel={`${id}: observed against expected per window`}
              ruleType={d.type}
              evaluations={d.evaluations}
              spans={history.data ? ruleSpans(history.data.transitions, id, Date.parse(d.to)) : []}
            />
          )}
        </QueryState>
      </Panel>
      {r?.type === 'completeness' && (
        <MissingKeys keys={r.missing_keys} empty="No sample of missing keys in the rule's latest alert." />
      )}
      <Backtest id={id} />
      <Panel title="Definition" id="yaml" actions={r ? <span className="mono small muted">{r.file}</span> : null}>
        <QueryState query={query}>{(d) => <pre className="code">{d.yaml}</pre>}</QueryState>
      </Panel>
    </Page>
  );
}
