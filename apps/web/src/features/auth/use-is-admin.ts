import { useQuery } from '@tanstack/react-query';
import { authQueries } from './queries.ts';

/** Whether the signed-in token may change things (acknowledge, silence, baselines, the demo switch). */
export function useIsAdmin(): boolean {
  const { data } = useQuery(authQueries.whoami());
  return data?.role === 'admin';
}
