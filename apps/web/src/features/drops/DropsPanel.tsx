// The overview's largest drops: each stream's last complete minute against its baseline, saying which baseline
// (a week earlier, or the time with data in the hour before, which works from the first minutes of an install).
import type { Drop } from '@rollcall/contract/drops';
import { useLive } from '../../app/use-live.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { NameLink } from '../../components/Name.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { Panel, QueryState } from '../../components/Panel.tsx';
import { formatChange, formatDurationWords, formatProbability, formatRate, formatTime } from '../../lib/format.ts';
import { routes } from '../../routes.ts';
import { dropQueries } from './queries.ts';

/** A span of minutes of data read in whole minutes ("previous 5 minutes", not "5 minutes 34 seconds"); under two
 * minutes the seconds still say something. */
const wholeMinutes = (seconds: number) => (seconds >= 120 ? Math.round(seconds / 60) * 60 : seconds);

const baselineWords = (d: Drop) =>
  d.baseline === 'week' ? 'a week earlier' : `previous ${formatDurationWords(wholeMinutes(d.baseline_seconds) * 1000)}`;

const COLUMNS: Column<Drop>[] = [
  {
    key: 'stream',
    header: 'Stream',
    cell: (d) => (
      <>
        <span className="muted small">{d.broker}</span>{' '}
        <NameLink to={routes.stream(d.broker, d.stream)} text={d.stream} />
      </>
    ),
  },
  { key: 'now', header: 'Last minute', align: 'right', cell: (d) => formatRate(d.msg_per_sec) },
  {
    key: 'baseline',
    header: 'Baseline',
    align: 'right',
    title: (d) => `since ${formatTime(d.baseline_from)}`,
    cell: (d) => formatRate(d.baseline_msg_per_sec),
  },
  {
    key: 'basis',
    header: 'Against',
    className: 'small muted wide-only',
    headerClassName: 'wide-only',
    cell: baselineWords,
  },
  {
    key: 'change',
    header: 'Change',
    align: 'right',
    // Red only for a drop chance would hardly give: a quiet stream one message short of its baseline is not news.
    className: (d) => (d.significant ? 'bad' : 'muted'),
    title: (d) =>
      `${d.significant ? 'significant' : 'within noise'}: a minute this low at the baseline's rate has a chance of ${formatProbability(d.p_value)}`,
    cell: (d) => formatChange(d.change),
  },
];

export function DropsPanel() {
  const query = useLive(dropQueries.largest(8));
  return (
    <Panel
      title="Largest drops against baseline"
      id="drops"
      actions={<AppLink to={routes.streams()}>All streams →</AppLink>}
    >
      <QueryState query={query}>
        {(d) => (
          <>
            <p className="small muted">
              Last complete minute ({formatTime(d.minute.from)}–{formatTime(d.minute.to)}) against the same time a week
              earlier, or, without one, the time with data in the hour before.
            </p>
            <DataTable
              columns={COLUMNS}
              rows={d.drops}
              rowKey={(x) => `${x.broker}/${x.stream}`}
              sortParam="drops-sort"
              empty={
                d.compared === 0
                  ? 'No stream has a baseline yet (it needs half a minute of traffic).'
                  : `None of ${d.compared} streams is below its baseline.`
              }
            />
          </>
        )}
      </QueryState>
    </Panel>
  );
}
