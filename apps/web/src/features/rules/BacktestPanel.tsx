// A rule's backtest over the selected range, replayed a page of windows at a time: the chart and firings fill in as
// pages arrive, with how far it has got; Cancel aborts the page in flight and asks for no more.
import { useEffect, useState } from 'react';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { durationMs, useTimeRange, type TimeRange } from '../../app/time-range.ts';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { Empty, ErrorState, Panel } from '../../components/Panel.tsx';
import { Time } from '../../components/Time.tsx';
import { TimeSeriesChart } from '../../components/TimeSeriesChart.tsx';
import { formatCount, formatDuration } from '../../lib/format.ts';
import { backtestSoFar, type BacktestSoFar } from './backtest-pages.ts';
import { measured } from './decisions.ts';
import { ruleQueries, type Decision } from './queries.ts';

/** The selected range as absolute times: a backtest is over a fixed span. */
function absolute(range: TimeRange, now: number): { from: string; to: string } {
  if (range.kind === 'absolute') return { from: range.from, to: range.to };
  return { from: new Date(now - (durationMs(range.range) ?? 3600_000)).toISOString(), to: new Date(now).toISOString() };
}

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

/** Where the replay is: still going (with a progress bar), stopped by Cancel, or done. */
function Progress({ d, running, cancelled }: { d: BacktestSoFar; running: boolean; cancelled: boolean }) {
  const of = `${formatCount(d.done)} of ${formatCount(d.total)} windows`;
  if (running)
    return (
      <p className="small muted backtest-progress">
        <progress max={d.total} value={d.done} aria-label="Backtest progress" /> Replayed {of}…
      </p>
    );
  if (cancelled && !d.complete)
    return <p className="small muted">Cancelled after {of}; the windows replayed are shown.</p>;
  return null;
}

export function BacktestPanel({ id }: { id: string }) {
  const { range } = useTimeRange();
  const [span, setSpan] = useState<{ from: string; to: string } | null>(null);
  const [cancelled, setCancelled] = useState(false);
  const client = useQueryClient();
  const options = ruleQueries.backtest(id, span?.from ?? '', span?.to ?? '');
  const query = useInfiniteQuery({ ...options, enabled: span !== null, select: (data) => backtestSoFar(data.pages) });
  const { hasNextPage, isFetching, isError, fetchNextPage } = query;
  // One page after another until the range is replayed, unless cancelled or a page failed.
  useEffect(() => {
    if (span && !cancelled && hasNextPage && !isFetching && !isError) void fetchNextPage();
  }, [span, cancelled, hasNextPage, isFetching, isError, fetchNextPage]);
  const running = span !== null && !cancelled && !isError && (isFetching || hasNextPage);
  // Cancelling aborts the page in flight (its request's signal; the server stops the replay and its query) and the
  // effect above asks for no more; the pages already in stay on screen.
  const cancel = () => {
    setCancelled(true);
    void client.cancelQueries({ queryKey: options.queryKey });
  };
  const run = () => {
    client.removeQueries({ queryKey: ['rules', id, 'backtest'] });
    setCancelled(false);
    setSpan(absolute(range, Date.now()));
  };
  const d = query.data;
  return (
    <Panel
      title="Backtest"
      id="backtest"
      actions={
        running ? (
          <button type="button" onClick={cancel}>
            Cancel
          </button>
        ) : (
          <button type="button" onClick={run}>
            {span ? 'Run again over the selected range' : 'Run over the selected range'}
          </button>
        )
      }
    >
      {!span ? (
        <Empty>Replays the rule over stored history and shades when it would have fired.</Empty>
      ) : !d ? (
        query.isError ? (
          <ErrorState error={query.error} />
        ) : cancelled ? (
          <Empty>Backtest cancelled.</Empty>
        ) : (
          // no page in yet: how many windows there are comes with the first
          <p className="small muted backtest-progress" role="status">
            <progress aria-label="Backtest progress" /> Replaying the first windows…
          </p>
        )
      ) : (
        <>
          {query.isError && <ErrorState error={query.error} />}
          <Progress d={d} running={running} cancelled={cancelled} />
          {d.windows.length === 0 ? (
            <Empty>No windows to judge in this range.</Empty>
          ) : (
            <>
              <p className="small muted">
                {formatCount(d.windows.length)} windows from <Time value={d.windows[0]?.end ?? d.from} /> to{' '}
                <Time value={d.windows.at(-1)?.end ?? d.to} />:{' '}
                {d.firings.length === 0
                  ? `it would not have fired${d.complete ? '' : ' so far'}.`
                  : `it would have fired ${d.firings.length} time${d.firings.length === 1 ? '' : 's'}${d.complete ? '' : ' so far'}.`}{' '}
                {decisionCounts(d.windows)}
              </p>
              <TimeSeriesChart
                ariaLabel="Backtest: value and threshold per window, fired spans shaded; windows not judged are gaps"
                shaded={d.firings.map((f) => ({
                  from: Date.parse(f.from),
                  to: Date.parse(f.to ?? d.windows.at(-1)?.end ?? d.to),
                }))}
                series={[
                  // A window that was not judged (not watched, waiting, skipped) is a gap, never a zero.
                  {
                    key: 'value',
                    label: 'value',
                    points: d.windows.map((w) => ({ t: Date.parse(w.end), v: measured(w.decision) ? w.value : null })),
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
        </>
      )}
    </Panel>
  );
}
