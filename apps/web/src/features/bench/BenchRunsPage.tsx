// Benchmark runs, newest first, with their headline numbers.
import { useLive } from '../../app/use-live.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { Badge } from '../../components/Badge.tsx';
import { Page } from '../../components/Page.tsx';
import { QueryTablePanel } from '../../components/QueryTablePanel.tsx';
import { Time } from '../../components/Time.tsx';
import { formatCount, formatNumber } from '../../lib/format.ts';
import { routes } from '../../routes.ts';
import { benchQueries, STATUS_TONE } from './queries.ts';

export default function BenchRunsPage() {
  const query = useLive(benchQueries.runs());
  return (
    <Page title="Bench">
      <QueryTablePanel
        title="Runs"
        id="runs"
        query={query}
        rows={(d) => [...d.runs].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt))}
        rowKey={(r) => r.id}
        empty={
          // one element: the empty state lays out its children side by side
          <span>
            No benchmark runs recorded yet. Run one with{' '}
            <code>npm run rollcall -- bench --broker kafka --duration 30s</code> (or <code>--broker rabbitmq</code>); it
            is stored here and compared with its scenario’s baseline.
          </span>
        }
        columns={[
          {
            key: 'started',
            header: 'Started',
            className: 'nowrap',
            cell: (r) => (
              <AppLink to={routes.benchRun(r.id)}>
                <Time value={r.startedAt} />
              </AppLink>
            ),
          },
          {
            key: 'scenario',
            header: 'Scenario',
            cell: (r) => (
              <>
                {r.label || r.scenario} {r.isBaseline && <Badge value="info" label="baseline" />}
                {r.label && (
                  <div className="small muted mono">
                    {r.scenario.startsWith(`${r.label}: `) ? r.scenario.slice(r.label.length + 2) : r.scenario}
                  </div>
                )}
              </>
            ),
          },
          { key: 'broker', header: 'Broker', cell: (r) => r.broker },
          {
            key: 'status',
            header: 'Status',
            cell: (r) => <Badge value={STATUS_TONE[r.status]} label={r.status} />,
          },
          {
            key: 'produce',
            header: 'Produce',
            align: 'right',
            cell: (r) => `${formatNumber(r.produceMsgPerSec)} msg/s`,
          },
          {
            key: 'e2e',
            header: 'End to end',
            align: 'right',
            cell: (r) => `${formatNumber(r.endToEndMsgPerSec)} msg/s`,
          },
          { key: 'p50', header: 'p50', align: 'right', cell: (r) => `${formatNumber(r.p50)} ms` },
          { key: 'p99', header: 'p99', align: 'right', cell: (r) => `${formatNumber(r.p99)} ms` },
          {
            key: 'lost',
            header: 'Lost',
            align: 'right',
            className: (r) => (r.lost > 0 ? 'bad' : ''),
            cell: (r) => formatCount(r.lost),
          },
        ]}
      />
    </Page>
  );
}
