// Every rule: state, last evaluation and a sparkline of the watched value against its threshold.
import { useQuery } from '@tanstack/react-query';
import { useLive } from '../../app/use-live.ts';
import { useTimeRange } from '../../app/time-range.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { Badge } from '../../components/Badge.tsx';
import { Panel, QueryState } from '../../components/Panel.tsx';
import { Time } from '../../components/Time.tsx';
import { Sparkline } from '../../components/TimeSeriesChart.tsx';
import { formatDuration, formatNumber } from '../../lib/format.ts';
import { routes } from '../../routes.ts';
import { ruleQueries, type Rule } from './queries.ts';

function RuleSparkline({ id }: { id: string }) {
  const { params, refresh } = useTimeRange();
  const { data } = useQuery({ ...ruleQueries.detail(id, params), refetchInterval: refresh.ms });
  if (!data) return <div className="sparkline" />;
  if (data.evaluations.length === 0) return <span className="muted small">no evaluations</span>;
  const points = data.evaluations.map((e) => ({ t: Date.parse(e.at), v: e.value }));
  const threshold = data.evaluations.map((e) => ({ t: Date.parse(e.at), v: e.threshold }));
  return <Sparkline ariaLabel={`${id}: value against threshold`} values={points} threshold={threshold} />;
}

const ORDER: Record<string, number> = { firing: 0, pending: 1, ok: 2, inactive: 3 };

function LastEvaluation({ rule }: { rule: Rule }) {
  const e = rule.last_evaluation;
  if (!e) return <span className="muted">never</span>;
  return (
    <>
      <Time value={e.at} />
      <div className="small muted">
        {e.error ? <span className="bad">{e.error}</span> : e.skipped ? `skipped${typeof e.skipped === 'string' ? `: ${e.skipped}` : ''}` : `${formatNumber(e.value)} vs ${formatNumber(e.threshold)}${e.breached ? ' (breached)' : ''}`}
      </div>
    </>
  );
}

export default function RulesPage() {
  const query = useLive(ruleQueries.list());
  return (
    <div className="page">
      <h1>Rules</h1>
      {query.data && query.data.errors.length > 0 && (
        <Panel title="Rule files with errors" id="rule-errors">
          <ul className="errors">
            {query.data.errors.map((e) => (
              <li key={`${e.file}:${e.message}`}>
                <span className="mono">{e.file}</span>: {e.message}
              </li>
            ))}
          </ul>
        </Panel>
      )}
      <Panel title="Rules" id="rules">
        <QueryState query={query} isEmpty={(d) => d.rules.length === 0} empty="No rules loaded. Add YAML files to the rules directory.">
          {(d) => (
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th>Rule</th>
                    <th>Type</th>
                    <th>Severity</th>
                    <th>State</th>
                    <th>Every</th>
                    <th>Last evaluation</th>
                    <th className="spark-col">Value vs threshold</th>
                  </tr>
                </thead>
                <tbody>
                  {[...d.rules]
                    .sort((a, b) => (ORDER[a.state] ?? 9) - (ORDER[b.state] ?? 9) || a.id.localeCompare(b.id))
                    .map((r) => (
                      <tr key={r.id}>
                        <td>
                          <AppLink to={routes.rule(r.id)}>{r.id}</AppLink>
                          <div className="small muted">{r.description}</div>
                        </td>
                        <td>{r.type}</td>
                        <td>
                          <Badge value={r.severity} />
                        </td>
                        <td>
                          <Badge value={r.state} />
                        </td>
                        <td className="nowrap">{formatDuration(r.every_seconds * 1000)}</td>
                        <td className="nowrap">
                          <LastEvaluation rule={r} />
                        </td>
                        <td className="spark-col">
                          <RuleSparkline id={r.id} />
                        </td>
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
