// Firing and pending alerts with their actions, the silences, and the history of transitions.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useLive } from '../../app/use-live.ts';
import { useTimeRange } from '../../app/time-range.ts';
import { Badge } from '../../components/Badge.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { Page } from '../../components/Page.tsx';
import { ErrorState, Panel, QueryState } from '../../components/Panel.tsx';
import { Time } from '../../components/Time.tsx';
import { AdminButton } from '../auth/AdminButton.tsx';
import { AckButton, SilenceButton } from './AlertActions.tsx';
import { AlertTable, TransitionTable } from './AlertTable.tsx';
import { alertMutations, alertQueries, type Silence } from './queries.ts';

function Silences() {
  const query = useLive(alertQueries.silences());
  const client = useQueryClient();
  const expire = useMutation(alertMutations.expireSilence(client));
  const columns: Column<Silence>[] = [
    {
      key: 'matchers',
      header: 'Matchers',
      className: 'mono small',
      cell: (s) => s.matchers.map((m) => `${m.name}${m.op}"${m.value}"`).join(', '),
    },
    { key: 'starts', header: 'Starts', className: 'nowrap', cell: (s) => <Time value={s.starts_at} /> },
    { key: 'ends', header: 'Ends', className: 'nowrap', cell: (s) => <Time value={s.ends_at} /> },
    { key: 'by', header: 'By', cell: (s) => s.created_by },
    { key: 'comment', header: 'Comment', className: 'small', cell: (s) => s.comment },
    {
      key: 'state',
      header: 'State',
      cell: (s) => (s.active ? <Badge value="pending" label="active" /> : <Badge value="inactive" label="expired" />),
    },
    {
      key: 'actions',
      header: <span className="sr-only">Actions</span>,
      cell: (s) =>
        s.active && (
          <AdminButton
            className="small ghost"
            hint="Expire now"
            pending={expire.isPending}
            onClick={() => expire.mutate(s.id)}
          >
            Expire
          </AdminButton>
        ),
    },
  ];
  return (
    <Panel title="Silences" id="silences">
      {expire.isError && <ErrorState error={expire.error} />}
      <QueryState query={query}>
        {(d) => <DataTable columns={columns} rows={d.silences} rowKey={(s) => s.id} empty="No silences." />}
      </QueryState>
    </Panel>
  );
}

function History() {
  const { params } = useTimeRange();
  const query = useLive(alertQueries.history(params));
  return (
    <Panel title="History" id="history">
      <QueryState query={query}>
        {(d) => (
          <TransitionTable
            transitions={[...d.transitions].sort((a, b) => Date.parse(b.at) - Date.parse(a.at))}
            full
            empty="No alert changed state in this range."
          />
        )}
      </QueryState>
    </Panel>
  );
}

export default function AlertsPage() {
  const query = useLive(alertQueries.active());
  return (
    <Page title="Alerts">
      <Panel title="Firing and pending" id="active">
        <QueryState query={query}>
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
    </Page>
  );
}
