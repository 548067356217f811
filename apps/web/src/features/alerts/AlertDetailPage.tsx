// One alert: its state, observed vs expected, labels, every transition and every notification sent.
import { useParams } from 'react-router';
import { useLive } from '../../app/use-live.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { Badge } from '../../components/Badge.tsx';
import { Panel, QueryState } from '../../components/Panel.tsx';
import { Time } from '../../components/Time.tsx';
import { formatNumber } from '../../lib/format.ts';
import { useNow } from '../../lib/use-now.ts';
import { routes } from '../../routes.ts';
import { AckButton, SilenceButton } from './AlertActions.tsx';
import { alertDuration } from './AlertTable.tsx';
import { alertQueries } from './queries.ts';

const show = (v: number | string | null | undefined) => (typeof v === 'number' ? formatNumber(v) : (v ?? '–'));

/** The rule's evidence (window, sample of missing keys...): an object, or JSON text of one. */
function details(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string') return JSON.stringify(value, null, 2);
  try {
    return JSON.stringify(JSON.parse(value), null, 2);
  } catch {
    return value;
  }
}

export default function AlertDetailPage() {
  const { fingerprint = '' } = useParams();
  const query = useLive(alertQueries.detail(fingerprint));
  const now = useNow();
  return (
    <div className="page">
      <QueryState query={query}>
        {(a) => (
          <>
            <div className="page-head">
              <h1>{a.rule_id}</h1>
              <Badge value={a.state} />
              <Badge value={a.severity} />
              <span className="muted">{alertDuration(a, now)}</span>
              <div className="page-actions">
                {(a.state === 'firing' || a.state === 'pending') && <AckButton alert={a} />}
                <SilenceButton alert={a} />
              </div>
            </div>
            <Panel title="Summary" id="alert-summary">
              <p>{a.summary}</p>
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
                <dd>{show(a.value)}</dd>
                <dt>Expected</dt>
                <dd>{show(a.expected ?? a.threshold)}</dd>
                <dt>Active since</dt>
                <dd>
                  <Time value={a.active_at} />
                </dd>
                <dt>Firing since</dt>
                <dd>
                  <Time value={a.firing_at} />
                </dd>
                <dt>Acknowledged</dt>
                <dd>{a.acknowledged ? `by ${a.acknowledged.by}${a.acknowledged.comment ? ` — ${a.acknowledged.comment}` : ''}` : 'no'}</dd>
                <dt>Labels</dt>
                <dd className="mono small">
                  {Object.entries(a.labels)
                    .map(([k, v]) => `${k}=${v}`)
                    .join('  ')}
                </dd>
              </dl>
              {details(a.details) && (
                <>
                  <h3>Details</h3>
                  <pre className="code small">{details(a.details)}</pre>
                </>
              )}
            </Panel>
            <div className="grid-2">
              <Panel title="Transitions" id="transitions">
                <table className="table dense">
                  <tbody>
                    {a.transitions.map((t) => (
                      <tr key={t.id}>
                        <td className="nowrap">
                          <Time value={t.at} />
                        </td>
                        <td className="nowrap">
                          <Badge value={t.from_state} /> → <Badge value={t.to_state} />
                        </td>
                        <td className="small">{t.summary}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </Panel>
              <Panel title="Notifications" id="notifications">
                {a.notifications.length === 0 ? (
                  <div className="state state-empty">No notification sent.</div>
                ) : (
                  <table className="table dense">
                    <tbody>
                      {a.notifications.map((n, i) => (
                        <tr key={`${n.route}-${n.at}-${i}`}>
                          <td className="nowrap">
                            <Time value={n.at} />
                          </td>
                          <td>{n.route}</td>
                          <td>
                            <Badge value={n.outcome === 'sent' || n.outcome === 'ok' ? 'ok' : n.outcome === 'failed' ? 'firing' : 'inactive'} label={n.outcome} />
                          </td>
                          <td className="num">{n.attempts}×</td>
                          <td className="small bad">{n.error}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </Panel>
            </div>
          </>
        )}
      </QueryState>
    </div>
  );
}
