// Firing and pending alerts with their actions, the silences, and the history of transitions.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useLive } from '../../app/use-live.ts';
import { useTimeRange } from '../../app/time-range.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { Badge } from '../../components/Badge.tsx';
import { ErrorState, Panel, QueryState } from '../../components/Panel.tsx';
import { Time } from '../../components/Time.tsx';
import { formatNumber } from '../../lib/format.ts';
import { routes } from '../../routes.ts';
import { useIsAdmin } from '../auth/use-is-admin.ts';
import { AckButton, SilenceButton } from './AlertActions.tsx';
import { AlertTable } from './AlertTable.tsx';
import { alertMutations, alertQueries } from './queries.ts';

function Silences() {
  const query = useLive(alertQueries.silences());
  const admin = useIsAdmin();
  const client = useQueryClient();
  const expire = useMutation(alertMutations.expireSilence(client));
  return (
    <Panel title="Silences" id="silences">
      {expire.isError && <ErrorState error={expire.error} />}
      <QueryState query={query} isEmpty={(d) => d.silences.length === 0} empty="No silences.">
        {(d) => (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>Matchers</th>
                  <th>Starts</th>
                  <th>Ends</th>
                  <th>By</th>
                  <th>Comment</th>
                  <th>State</th>
                  <th aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {d.silences.map((s) => (
                  <tr key={s.id}>
                    <td className="mono small">{s.matchers.map((m) => `${m.name}${m.op}"${m.value}"`).join(', ')}</td>
                    <td className="nowrap">
                      <Time value={s.starts_at} />
                    </td>
                    <td className="nowrap">
                      <Time value={s.ends_at} />
                    </td>
                    <td>{s.created_by}</td>
                    <td className="small">{s.comment}</td>
                    <td>{s.active ? <Badge value="pending" label="active" /> : <Badge value="inactive" label="expired" />}</td>
                    <td>
                      {s.active && (
                        <button type="button" className="small ghost" disabled={!admin || expire.isPending} title={admin ? 'Expire now' : 'Only admins can do this'} onClick={() => expire.mutate(s.id)}>
                          Expire
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </Panel>
  );
}

function History() {
  const { params } = useTimeRange();
  const query = useLive(alertQueries.history(params));
  return (
    <Panel title="History" id="history">
      <QueryState query={query} isEmpty={(d) => d.transitions.length === 0} empty="No alert changed state in this range.">
        {(d) => (
          <div className="table-wrap">
            <table className="table dense">
              <thead>
                <tr>
                  <th>At</th>
                  <th>Rule</th>
                  <th>Transition</th>
                  <th className="num">Value</th>
                  <th className="num">Threshold</th>
                  <th>Summary</th>
                </tr>
              </thead>
              <tbody>
                {[...d.transitions]
                  .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
                  .map((t) => (
                    <tr key={t.id}>
                      <td className="nowrap">
                        <Time value={t.at} />
                      </td>
                      <td className="nowrap">
                        <AppLink to={routes.alert(t.fingerprint)}>{t.rule_id}</AppLink>
                      </td>
                      <td className="nowrap">
                        <Badge value={t.from_state} /> → <Badge value={t.to_state} />
                      </td>
                      <td className="num">{formatNumber(t.value)}</td>
                      <td className="num">{formatNumber(t.threshold)}</td>
                      <td className="small">{t.summary}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </Panel>
  );
}

export default function AlertsPage() {
  const query = useLive(alertQueries.active());
  return (
    <div className="page">
      <h1>Alerts</h1>
      <Panel title="Firing and pending" id="active">
        <QueryState query={query} isEmpty={(d) => d.alerts.length === 0} empty="No alerts are firing or pending.">
          {(d) => (
            <AlertTable
              alerts={d.alerts}
              actions={(a) => (
                <>
                  <AckButton alert={a} />
                  <SilenceButton alert={a} />
                </>
              )}
            />
          )}
        </QueryState>
      </Panel>
      <Silences />
      <History />
    </div>
  );
}
