// One alert: its state and the problem in words, its windows against what was expected with its spans shaded, labels,
// the missing keys of a completeness rule, every transition and every notification sent.
import { useParams } from 'react-router';
import { useLive } from '../../app/use-live.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { Badge } from '../../components/Badge.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { Page } from '../../components/Page.tsx';
import { Panel } from '../../components/Panel.tsx';
import { Time } from '../../components/Time.tsx';
import { Evidence } from './Evidence.tsx';
import { MissingKeys } from './MissingKeys.tsx';
import { useNow } from '../../lib/use-now.ts';
import { routes } from '../../routes.ts';
import { AckButton, SilenceButton } from './AlertActions.tsx';
import { alertDuration, show, TransitionTable } from './AlertTable.tsx';
import { RuleValueChart, stateSpans } from '../rules/RuleValueChart.tsx';
import { judged } from '../rules/decisions.ts';
import { alertQueries, type AlertDetail } from './queries.ts';
import { describeProblem, formatValue, inWords } from './words.ts';

type Notification = AlertDetail['notifications'][number];

/** "12s ago (window ending 14:03:10)": when the problem was last seen in a judged window. */
export function LastConfirmed({ at, now }: { at: string | null; now: number }) {
  if (!at) return <span className="muted">not in the last day</span>;
  return (
    <>
      {inWords(now - Date.parse(at))} ago{' '}
      <span className="muted small">
        (window ending <Time value={at} />)
      </span>
    </>
  );
}

const latestJudged = (a: AlertDetail) => [...a.evaluations].reverse().find((e) => judged(e.decision));

const NOTIFICATIONS: Column<Notification>[] = [
  { key: 'at', header: 'At', className: 'nowrap', cell: (n) => <Time value={n.at} /> },
  { key: 'route', header: 'Route', cell: (n) => n.route },
  {
    key: 'outcome',
    header: 'Outcome',
    cell: (n) => (
      <Badge
        value={n.outcome === 'sent' || n.outcome === 'ok' ? 'ok' : n.outcome === 'failed' ? 'firing' : 'inactive'}
        label={n.outcome}
      />
    ),
  },
  { key: 'attempts', header: 'Attempts', align: 'right', cell: (n) => `${n.attempts}×` },
  { key: 'error', header: 'Error', className: 'small bad', cell: (n) => n.error },
];

export default function AlertDetailPage() {
  const { fingerprint = '' } = useParams();
  const query = useLive(alertQueries.detail(fingerprint));
  const now = useNow();
  const a = query.data;
  return (
    <Page
      query={query}
      title={a?.rule_id}
      meta={
        a && (
          <>
            <Badge value={a.state} />
            <Badge value={a.severity} />
            <span className="muted">{alertDuration(a, now)}</span>
          </>
        )
      }
      actions={
        a && (
          <>
            {(a.state === 'firing' || a.state === 'pending') && <AckButton alert={a} />}
            <SilenceButton alert={a} />
          </>
        )
      }
    >
      {(a) => (
        <>
          <Panel title="Summary" id="alert-summary">
            <p className="problem">{describeProblem(a, latestJudged(a))}</p>
            <p className="small muted">{a.summary}</p>
            <dl className="facts">
              <dt>Description</dt>
              <dd>{a.description}</dd>
              <dt>Rule</dt>
              <dd>
                <AppLink to={routes.rule(a.rule_id)}>{a.rule_id}</AppLink> ({a.rule_type})
              </dd>
              <dt>Stream</dt>
              <dd className="mono">{a.stream ?? '–'}</dd>
              <dt>Observed</dt>
              <dd>{formatValue(a.rule_type, latestJudged(a)?.value ?? a.value)}</dd>
              <dt>Expected</dt>
              <dd>{show(a.expected || a.threshold)}</dd>
              {(a.state === 'firing' || a.state === 'pending') && (
                <>
                  <dt>Last confirmed</dt>
                  <dd>
                    <LastConfirmed at={a.last_confirmed_at} now={now} />
                  </dd>
                </>
              )}
              <dt>Active since</dt>
              <dd>
                <Time value={a.active_at} />
              </dd>
              <dt>Firing since</dt>
              <dd>
                <Time value={a.firing_at} />
              </dd>
              <dt>Acknowledged</dt>
              <dd>
                {a.acknowledged
                  ? `by ${a.acknowledged.by}${a.acknowledged.comment ? ` — ${a.acknowledged.comment}` : ''}`
                  : 'no'}
              </dd>
              <dt>Labels</dt>
              <dd className="mono small">
                {Object.entries(a.labels)
                  .map(([k, v]) => `${k}=${v}`)
                  .join('  ')}
              </dd>
            </dl>
            <Evidence details={a.details} streams={a.watched_streams} />
          </Panel>
          <Panel title="Observed against expected" id="alert-evaluations">
            {a.evaluations.length === 0 ? (
              <p className="muted">No window of this alert was judged in the last hours.</p>
            ) : (
              <RuleValueChart
                ariaLabel={`${a.rule_id}: observed against expected per window`}
                ruleType={a.rule_type}
                evaluations={a.evaluations}
                spans={stateSpans(a.transitions, Infinity)}
              />
            )}
          </Panel>
          {a.rule_type === 'completeness' && (
            <MissingKeys keys={a.missing_keys} empty="No sample of missing keys in the latest evaluation." />
          )}
          <div className="grid-2">
            <Panel title="Transitions" id="transitions">
              <TransitionTable transitions={a.transitions} />
            </Panel>
            <Panel title="Notifications" id="notifications">
              <DataTable
                columns={NOTIFICATIONS}
                rows={a.notifications}
                rowKey={(n, i) => `${n.route}-${n.at}-${i}`}
                empty="No notification sent."
                dense
                headless
              />
            </Panel>
          </div>
        </>
      )}
    </Page>
  );
}
