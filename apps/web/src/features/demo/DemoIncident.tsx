// "Reproduce the incident" for the demo: shown only when the server has pilots attached.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ErrorState } from '../../components/Panel.tsx';
import { formatDuration } from '../../lib/format.ts';
import { useNow } from '../../lib/use-now.ts';
import { AdminButton } from '../auth/AdminButton.tsx';
import { demoMutations, demoQueries } from './queries.ts';

export function DemoIncident() {
  const { data } = useQuery(demoQueries.incident());
  const client = useQueryClient();
  const toggle = useMutation(demoMutations.toggle(client));
  const now = useNow();
  if (!data?.available) return null;
  return (
    <div className={`demo-bar ${data.active ? 'demo-active' : ''}`} role="group" aria-label="Demo incident">
      <div>
        <strong>{data.active ? 'Incident running' : 'Demo'}</strong>{' '}
        <span className="muted small">
          {data.active && data.started_at ? `for ${formatDuration(now - Date.parse(data.started_at))}: ` : ''}
          {data.story}. Watch {data.rules.join(' and ')}.
        </span>
        {toggle.isError && <ErrorState error={toggle.error} />}
      </div>
      <AdminButton
        className={data.active ? '' : 'primary'}
        hint=""
        pending={toggle.isPending}
        onClick={() => toggle.mutate(!data.active)}
      >
        {data.active ? 'End the incident' : 'Reproduce the incident'}
      </AdminButton>
    </div>
  );
}
