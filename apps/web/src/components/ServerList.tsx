// A list the server filters, sorts and pages (thousands of rows arrive a page at a time): the filter, sort and page
// live in the URL, a new filter goes back to the first page, and the table ends with its pager.
import { useDebounced } from '../lib/use-debounced.ts';
import { useSearchParam } from '../lib/use-search-param.ts';
import { DataTable, type Column, type DataTableProps } from './DataTable.tsx';
import { Pager, usePage } from './Pager.tsx';

export interface ServerList {
  /** The filter as typed. */
  filter: string;
  setFilter: (value: string) => void;
  /** The filter once typing has settled, trimmed: what the server is asked for. */
  q: string;
  page: number;
  setPage: (page: number) => void;
  size: number;
  /** The list parameters of the page's query. */
  params: { q: string | undefined; sort: string | undefined; limit: number; offset: number };
}

export function useServerList(size: number): ServerList {
  const [filter, setFilter] = useSearchParam('q');
  const [sort] = useSearchParam('sort');
  const { page, offset, setPage } = usePage(size);
  const q = useDebounced(filter.trim());
  return {
    filter,
    setFilter: (value) => setFilter(value, ['page']),
    q,
    page,
    setPage,
    size,
    params: { q: q || undefined, sort: sort || undefined, limit: size, offset },
  };
}

/** The list's filter box; `label` is its placeholder and accessible name. */
export function ListFilter({ list, label }: { list: ServerList; label: string }) {
  return (
    <input
      type="search"
      placeholder={label}
      aria-label={label}
      value={list.filter}
      onChange={(e) => {
        list.setFilter(e.target.value);
      }}
    />
  );
}

/** One page of rows in the server's order, then the pager; `label` names the rows ("groups", "streams"). */
export function ServerListTable<T>({
  list,
  total,
  label,
  ...table
}: Omit<DataTableProps<T>, 'serverSorted'> & { list: ServerList; total: number; label: string }) {
  return (
    <>
      <DataTable {...table} serverSorted />
      <Pager page={list.page} size={list.size} total={total} label={label} onPage={list.setPage} />
    </>
  );
}

/** The broker a row came from: a muted column that a phone drops. */
export function brokerColumn<T extends { broker: string }>(): Column<T> {
  return {
    key: 'broker',
    header: 'Broker',
    className: 'muted nowrap wide-only',
    headerClassName: 'wide-only',
    cell: (row) => row.broker,
    sort: (row) => row.broker,
  };
}
