// A panel holding one query's rows as a table: the query's loading and error states, then the table, or its empty
// message when there are no rows.
import type { ReactNode } from 'react';
import type { UseQueryResult } from '@tanstack/react-query';
import { DataTable, type Column, type DataTableProps } from './DataTable.tsx';
import { Panel, QueryState } from './Panel.tsx';

interface QueryTablePanelProps<D, T> extends Omit<DataTableProps<T>, 'rows' | 'columns'> {
  title: ReactNode;
  id: string;
  actions?: ReactNode;
  query: UseQueryResult<D>;
  /** The answer's rows in the order shown (a sortable header may re-sort them). */
  rows: (data: D) => readonly T[];
  /** Columns that depend on the answer (shares of a total, one column per field present) take it. */
  columns: Column<T>[] | ((data: D) => Column<T>[]);
}

export function QueryTablePanel<D, T>({
  title,
  id,
  actions,
  query,
  rows,
  columns,
  ...table
}: QueryTablePanelProps<D, T>) {
  return (
    <Panel title={title} id={id} actions={actions}>
      <QueryState query={query}>
        {(data) => (
          <DataTable {...table} rows={rows(data)} columns={typeof columns === 'function' ? columns(data) : columns} />
        )}
      </QueryState>
    </Panel>
  );
}
