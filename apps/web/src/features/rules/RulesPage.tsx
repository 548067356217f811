// Every rule: state, last evaluation and a sparkline of the watched value against its threshold.
import { useLive } from '../../app/use-live.ts';
import { useTimeRange } from '../../app/time-range.ts';
import { NameLink } from '../../components/Name.tsx';
import { Badge } from '../../components/Badge.tsx';
import { type Column } from '../../components/DataTable.tsx';
import { Page } from '../../components/Page.tsx';
import { Panel } from '../../components/Panel.tsx';
import { QueryTablePanel } from '../../components/QueryTablePanel.tsx';
import { Sentence } from '../../components/Sentence.tsx';
import { Time } from '../../components/Time.tsx';
import { Sparkline } from '../../components/TimeSeriesChart.tsx';
import { formatDuration, formatNumber } from '../../lib/format.ts';
import { routes } from '../../routes.ts';
import { ruleQueries, type Rule, type SparkPoint } from './queries.ts';

/** Drawn from the list's own response (its sparklines): one request for the whole page, not one per rule. */
function RuleSparkline({ id, points }: { id: string; points: SparkPoint[] | undefined }) {
  if (!points?.length) return <span className="muted small">no evaluations</span>;
  const values = points.map((e) => ({ t: Date.parse(e.at), v: e.value }));
  const threshold = points.map((e) => ({ t: Date.parse(e.at), v: e.threshold }));
  return <Sparkline ariaLabel={`${id}: value against threshold`} values={values} threshold={threshold} />;
}

const ORDER: Record<string, number> = { firing: 0, pending: 1, ok: 2, inactive: 3 };
const SEVERITY: Record<string, number> = { critical: 0, warning: 1, info: 2 };

function LastEvaluation({ rule }: { rule: Rule }) {
  const e = rule.last_evaluation;
  if (!e) return <span className="muted">never</span>;
  return (
    <>
      <Time value={e.at} />
      <div className="small muted">
        {e.error ? (
          <span className="bad">{e.error}</span>
        ) : e.decision === 'not significant' ? (
          // "0.833 vs 0.95, not significant (p = 3.5e-5, confidence 0.99999)"
          `${formatNumber(e.value)} vs ${formatNumber(e.threshold)}, ${e.skipped.slice(e.skipped.indexOf('not significant'))}`
        ) : e.decision === 'skipped' ? (
          <Sentence text={`skipped: ${e.skipped}`} />
        ) : e.skipped ? (
          <Sentence text={e.skipped} /> // waiting: … / not watched: …
        ) : (
          `${formatNumber(e.value)} vs ${formatNumber(e.threshold)}${e.breached ? ' (breached)' : ''}`
        )}
      </div>
    </>
  );
}

const columns = (sparklines: Record<string, SparkPoint[]>): Column<Rule>[] => [
  {
    key: 'rule',
    header: 'Rule',
    cell: (r) => (
      <>
        <NameLink to={routes.rule(r.id)} text={r.id} />
        <div className="small muted">{r.description}</div>
      </>
    ),
    sort: (r) => r.id,
  },
  { key: 'type', header: 'Type', className: 'nowrap', cell: (r) => r.type, sort: (r) => r.type },
  {
    key: 'severity',
    header: 'Severity',
    cell: (r) => <Badge value={r.severity} />,
    sort: (r) => SEVERITY[r.severity] ?? 9,
  },
  { key: 'state', header: 'State', cell: (r) => <Badge value={r.state} />, sort: (r) => ORDER[r.state] ?? 9 },
  {
    key: 'every',
    header: 'Every',
    className: 'nowrap',
    cell: (r) => formatDuration(r.every_seconds * 1000),
    sort: (r) => r.every_seconds,
  },
  {
    key: 'last',
    header: 'Last evaluation',
    cell: (r) => <LastEvaluation rule={r} />,
    sort: (r) => (r.last_evaluation ? Date.parse(r.last_evaluation.at) : null),
  },
  {
    key: 'spark',
    header: 'Value vs threshold',
    className: 'spark-col',
    headerClassName: 'spark-col',
    cell: (r) => <RuleSparkline id={r.id} points={sparklines[r.id]} />,
  },
];

export default function RulesPage() {
  const { params } = useTimeRange();
  const query = useLive(ruleQueries.list(params));
  return (
    <Page title="Rules">
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
      <QueryTablePanel
        title="Rules"
        id="rules"
        query={query}
        rows={(d) =>
          [...d.rules].sort((a, b) => (ORDER[a.state] ?? 9) - (ORDER[b.state] ?? 9) || a.id.localeCompare(b.id))
        }
        columns={(d) => columns(d.sparklines)}
        rowKey={(r) => r.id}
        empty="No rules loaded. Add YAML files to the rules directory."
      />
    </Page>
  );
}
