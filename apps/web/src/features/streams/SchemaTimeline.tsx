// Schema fingerprints over time: one bar per payload shape from its first to its last sighting in the range.
import { formatCount } from '../../lib/format.ts';
import { Time } from '../../components/Time.tsx';
import type { StreamDetail } from './queries.ts';

export function SchemaTimeline({ schemas, from, to }: { schemas: StreamDetail['schemas']; from: string; to: string }) {
  const start = Date.parse(from);
  const span = Math.max(1, Date.parse(to) - start);
  const pct = (iso: string) => Math.min(100, Math.max(0, ((Date.parse(iso) - start) / span) * 100));
  const sorted = [...schemas].sort((a, b) => a.event_type.localeCompare(b.event_type) || Date.parse(a.first_seen) - Date.parse(b.first_seen));
  return (
    <div className="table-wrap">
      <table className="table schema-table">
        <thead>
          <tr>
            <th>Event type</th>
            <th>Fingerprint</th>
            <th className="num">Count</th>
            <th>First seen</th>
            <th>Last seen</th>
            <th className="timeline-col">In range</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((s) => {
            const left = pct(s.first_seen);
            const width = Math.max(0.8, pct(s.last_seen) - left);
            return (
              <tr key={`${s.event_type}/${s.fingerprint}`}>
                <td>{s.event_type || <span className="muted">(none)</span>}</td>
                <td className="mono" title={s.paths.join('\n')}>
                  {s.fingerprint}
                  <div className="muted small paths">{s.paths.slice(0, 6).join(', ')}{s.paths.length > 6 ? ` +${s.paths.length - 6}` : ''}</div>
                </td>
                <td className="num">{formatCount(s.count)}</td>
                <td className="nowrap">
                  <Time value={s.first_seen} />
                </td>
                <td className="nowrap">
                  <Time value={s.last_seen} />
                </td>
                <td className="timeline-col">
                  <div className="timeline" aria-hidden="true">
                    <div className="timeline-bar" style={{ left: `${left}%`, width: `${width}%` }} />
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
