// One page of a list the server filters, sorts and pages (streams, consumer groups). The page on screen stays while
// the next one loads, so typing in the filter or turning a page does not blank the table between answers.
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { api, type QueryParams } from './client.ts';

/** `resource` heads the query key, beside the resource's other queries. */
export const listPageQuery = <T>(resource: string, path: string, params: QueryParams) =>
  queryOptions({
    queryKey: [resource, 'page', params],
    queryFn: ({ signal }) => api.get<T>(path, params, signal),
    placeholderData: keepPreviousData,
  });
