// Active alerts, firing first: shared by the overview and the alerts page.
import type { ReactNode } from 'react';
import { AppLink } from '../../components/AppLink.tsx';
import { Badge } from '../../components/Badge.tsx';
import { formatDuration, formatNumber } from '../../lib/format.ts';
import { useNow } from '../../lib/use-now.ts';
import { routes } from '../../routes.ts';
import type { Alert } from './queries.ts';

const ORDER: Record<string, number> = { firing: 0, pending: 1, resolved: 2, inactive: 3 };
const SEVERITY: Record<string, number> = { critical: 0, warning: 1, info: 2 };

function sortAlerts(alerts: Alert[]): Alert[] {
  return [...alerts].sort(
    (a, b) => (ORDER[a.state] ?? 9) - (ORDER[b.state] ?? 9) || (SEVERITY[a.severity] ?? 9) - (SEVERITY[b.severity] ?? 9) || Date.parse(a.since ?? a.active_at ?? '') - Date.parse(b.since ?? b.active_at ?? ''),
  );
}

const show = (v: number | string | null | undefined) => (typeof v === 'number' ? formatNumber(v) : (v ?? '–'));

/** "firing for 3m 12s" / "pending for 40s". */
export function alertDuration(alert: Alert, now: number): string {
  const start = alert.state === 'firing' ? (alert.firing_at ?? alert.since) : (alert.active_at ?? alert.since);
  return start ? `${alert.state} for ${formatDuration(now - Date.parse(start))}` : alert.state;
}

export function AlertTable({ alerts, actions }: { alerts: Alert[]; actions?: (alert: Alert) => ReactNode }) {
  const now = useNow();
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th>State</th>
            <th>Rule</th>
            <th>Since</th>
            <th className="num">Observed</th>
            <th className="num">Expected</th>
            <th>Summary</th>
            {actions && <th aria-label="Actions" />}
          </tr>
        </thead>
        <tbody>
          {sortAlerts(alerts).map((a) => (
            <tr key={a.fingerprint} className={`row-${a.state}`}>
              <td>
                <Badge value={a.state} /> <Badge value={a.severity} />
              </td>
              <td className="nowrap">
                <AppLink to={routes.alert(a.fingerprint)}>{a.rule_id}</AppLink>
              </td>
              <td className="nowrap">{alertDuration(a, now)}</td>
              <td className="num">{show(a.value)}</td>
              <td className="num">{show(a.expected ?? a.threshold)}</td>
              <td className="summary" title={a.stream ?? undefined}>
                {a.summary}
                {a.acknowledged && (
                  <div className="muted small" title={a.acknowledged.comment}>
                    acknowledged by {a.acknowledged.by}
                  </div>
                )}
                {a.silenced_by.length > 0 && <div className="muted small">silenced</div>}
              </td>
              {actions && (
                <td>
                  <div className="actions">{actions(a)}</div>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
