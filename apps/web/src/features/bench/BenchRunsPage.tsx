// Benchmark runs, newest first, with their headline numbers.
import { useLive } from '../../app/use-live.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { Badge } from '../../components/Badge.tsx';
import { Panel, QueryState } from '../../components/Panel.tsx';
import { Time } from '../../components/Time.tsx';
import { formatCount, formatNumber } from '../../lib/format.ts';
import { routes } from '../../routes.ts';
import { benchQueries, STATUS_TONE } from './queries.ts';

export default function BenchRunsPage() {
  const query = useLive(benchQueries.runs());
  return (
    <div className="page">
      <h1>Bench</h1>
      <Panel title="Runs" id="runs">
        <QueryState query={query} isEmpty={(d) => d.runs.length === 0} empty="No benchmark runs recorded yet (npm run bench:load).">
          {(d) => (
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th>Started</th>
                    <th>Scenario</th>
                    <th>Broker</th>
                    <th>Status</th>
                    <th className="num">Produce</th>
                    <th className="num">End to end</th>
                    <th className="num">p50</th>
                    <th className="num">p99</th>
                    <th className="num">Lost</th>
                  </tr>
                </thead>
                <tbody>
                  {[...d.runs]
                    .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt))
                    .map((r) => (
                      <tr key={r.id}>
                        <td className="nowrap">
                          <AppLink to={routes.benchRun(r.id)}>
                            <Time value={r.startedAt} />
                          </AppLink>
                        </td>
                        <td>
                          {r.label || r.scenario} {r.isBaseline && <Badge value="info" label="baseline" />}
                          {r.label && <div className="small muted mono">{r.scenario.startsWith(`${r.label}: `) ? r.scenario.slice(r.label.length + 2) : r.scenario}</div>}
                        </td>
                        <td>{r.broker}</td>
                        <td>
                          <Badge value={STATUS_TONE[r.status]} label={r.status} />
                        </td>
                        <td className="num">{formatNumber(r.produceMsgPerSec)} msg/s</td>
                        <td className="num">{formatNumber(r.endToEndMsgPerSec)} msg/s</td>
                        <td className="num">{formatNumber(r.p50)} ms</td>
                        <td className="num">{formatNumber(r.p99)} ms</td>
                        <td className={`num ${r.lost > 0 ? 'bad' : ''}`}>{formatCount(r.lost)}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </div>
          )}
        </QueryState>
      </Panel>
    </div>
  );
}
