// One rule: its YAML, its windows against what it expects (band or threshold) with its alerts' spans shaded, and a
// backtest that shades when it would have fired.
import { useParams } from 'react-router';
import { useLive } from '../../app/use-live.ts';
import { useTimeRange } from '../../app/time-range.ts';
import { Badge } from '../../components/Badge.tsx';
import { Panel, QueryState } from '../../components/Panel.tsx';
import { MissingKeys } from '../alerts/MissingKeys.tsx';
import { Page } from '../../components/Page.tsx';
import { formatDuration } from '../../lib/format.ts';
import { alertQueries } from '../alerts/queries.ts';
import { BacktestPanel } from './BacktestPanel.tsx';
import { ruleQueries } from './queries.ts';
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
      <BacktestPanel id={id} />
      <Panel title="Definition" id="yaml" actions={r ? <span className="mono small muted">{r.file}</span> : null}>
        <QueryState query={query}>{(d) => <pre className="code">{d.yaml}</pre>}</QueryState>
      </Panel>
    </Page>
  );
}
