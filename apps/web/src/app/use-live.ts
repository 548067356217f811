import { useQuery, type QueryKey, type UseQueryOptions } from '@tanstack/react-query';
import { useTimeRange } from './time-range.ts';

/** useQuery that re-fetches at the auto-refresh interval chosen in the top bar. */
export function useLive<T, K extends QueryKey>(options: UseQueryOptions<T, Error, T, K>) {
  const { refresh } = useTimeRange();
  return useQuery({ ...options, refetchInterval: refresh.ms });
}
