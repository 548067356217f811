// A completeness rule's missing keys with when each was first seen: on the alert page and on the rule page.
import type { AlertDetail } from '@rollcall/contract/alerts';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { Panel } from '../../components/Panel.tsx';
import { Time } from '../../components/Time.tsx';

type MissingKey = AlertDetail['missing_keys'][number];

const MISSING: Column<MissingKey>[] = [
  { key: 'key', header: 'Key', className: 'mono small', cell: (k) => k.key },
  {
    key: 'first',
    header: 'First seen',
    className: 'nowrap',
    cell: (k) => (k.first_seen ? <Time value={k.first_seen} /> : <span className="muted">not stored</span>),
  },
];

export function MissingKeys({ keys, empty }: { keys: MissingKey[]; empty: string }) {
  return (
    <Panel title="Missing keys" id="missing-keys">
      <DataTable columns={MISSING} rows={keys} rowKey={(k) => k.key} empty={empty} dense />
    </Panel>
  );
}
