// Schema fingerprints over time: one bar per payload shape from its first to its last sighting in the range.
import { DataTable, OrNone, type Column } from '../../components/DataTable.tsx';
import { Time } from '../../components/Time.tsx';
import { formatCount } from '../../lib/format.ts';
import type { StreamDetail } from './queries.ts';

type Schema = StreamDetail['schemas'][number];

function columns(from: string, to: string): Column<Schema>[] {
  const start = Date.parse(from);
  const span = Math.max(1, Date.parse(to) - start);
  const pct = (iso: string) => Math.min(100, Math.max(0, ((Date.parse(iso) - start) / span) * 100));
  const bar = (s: Schema) => {
    const left = pct(s.first_seen);
    return { left: `${left}%`, width: `${Math.max(0.8, pct(s.last_seen) - left)}%` };
  };
  return [
    { key: 'type', header: 'Event type', cell: (s) => <OrNone text={s.event_type} /> },
    {
      key: 'fingerprint',
      header: 'Fingerprint',
      className: 'mono',
      title: (s) => s.paths.join('\n'),
      cell: (s) => (
        <>
          {s.fingerprint}
          <div className="muted small paths">
            {s.paths.slice(0, 6).join(', ')}
            {s.paths.length > 6 ? ` +${s.paths.length - 6}` : ''}
          </div>
        </>
      ),
    },
    { key: 'count', header: 'Count', align: 'right', cell: (s) => formatCount(s.count) },
    { key: 'first', header: 'First seen', className: 'nowrap', cell: (s) => <Time value={s.first_seen} /> },
    { key: 'last', header: 'Last seen', className: 'nowrap', cell: (s) => <Time value={s.last_seen} /> },
    {
      key: 'range',
      header: 'In range',
      className: 'timeline-col',
      headerClassName: 'timeline-col',
      cell: (s) => (
        <div className="timeline" aria-hidden="true">
          <div className="timeline-bar" style={bar(s)} />
        </div>
      ),
    },
  ];
}

export function SchemaTimeline({ schemas, from, to }: { schemas: Schema[]; from: string; to: string }) {
  const sorted = [...schemas].sort(
    (a, b) => a.event_type.localeCompare(b.event_type) || Date.parse(a.first_seen) - Date.parse(b.first_seen),
  );
  return (
    <DataTable
      columns={columns(from, to)}
      rows={sorted}
      rowKey={(s) => `${s.event_type}/${s.fingerprint}`}
      className="schema-table"
    />
  );
}
