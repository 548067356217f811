// Every table on the dashboard: columns declared once (header, cell, alignment, optional sort key), sorting
// kept in the URL beside the filters, and an empty state.
import type { ReactNode } from 'react';
import { formatSort, nextSort, parseSort, sortRows, type SortValue } from '../lib/sort-rows.ts';
import { useSearchParam } from '../lib/use-search-param.ts';
import { Empty } from './Panel.tsx';

export interface Column<T> {
  /** Names the column in React and, when it sorts, in the URL. */
  key: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  align?: 'left' | 'right';
  /** Classes of the body cells (`nowrap`, `small muted`...). */
  className?: string | ((row: T) => string);
  headerClassName?: string;
  /** A body cell's tooltip. */
  title?: (row: T) => string | undefined;
  /** What a click on the header sorts by. */
  sort?: (row: T) => SortValue;
}

const cls = (...names: (string | false | undefined)[]) => names.filter(Boolean).join(' ') || undefined;

/** A column a phone drops: the `wide-only` class on its header and on every cell (see styles.css). */
export function wideOnly<T>(column: Column<T>): Column<T> {
  const own = column.className;
  const className = typeof own === 'function' ? (row: T) => `${own(row)} wide-only` : cls(own, 'wide-only');
  return { ...column, className, headerClassName: cls(column.headerClassName, 'wide-only') };
}

/** A right-aligned figure, shown formatted and sorted by its value. */
export function figureColumn<T>(
  key: string,
  header: ReactNode,
  value: (row: T) => number | null,
  format: (value: number | null) => ReactNode,
  className?: string,
): Column<T> {
  return { key, header, align: 'right', className, cell: (row) => format(value(row)), sort: value };
}

export interface DataTableProps<T> {
  columns: Column<T>[];
  rows: readonly T[];
  rowKey: (row: T, index: number) => string;
  rowClassName?: (row: T) => string;
  /** Shown instead of the table when there are no rows. */
  empty?: ReactNode;
  /** The URL parameter that holds the sort order; two sortable tables on one page need two names. */
  sortParam?: string;
  dense?: boolean;
  /** Extra classes for the <table>. */
  className?: string;
  /** Tall tables scroll inside their panel with the header kept in view. */
  scroll?: boolean;
  /** Small key/value tables read without a header row. */
  headless?: boolean;
  /** The rows arrive already in the URL's order (sorted and paged by the server): the headers only set the URL. */
  serverSorted?: boolean;
}

export function DataTable<T>({
  columns,
  rows,
  rowKey,
  rowClassName,
  empty,
  sortParam = 'sort',
  dense = false,
  className,
  scroll = false,
  headless = false,
  serverSorted = false,
}: DataTableProps<T>) {
  const [sortText, setSortText] = useSearchParam(sortParam);
  if (rows.length === 0 && empty !== undefined) return <Empty>{empty}</Empty>;
  const order = parseSort(sortText);
  const sortBy = columns.find((c) => c.key === order?.key)?.sort;
  const shown = order && sortBy && !serverSorted ? sortRows(rows, sortBy, order.desc) : rows;
  const num = (c: Column<T>) => c.align === 'right' && 'num';
  return (
    <div className={cls('table-wrap', scroll && 'scroll-y')}>
      <table className={cls('table', dense && 'dense', className)}>
        {!headless && (
          <thead>
            <tr>
              {columns.map((c) => {
                const sorted = order?.key === c.key && sortBy ? (order.desc ? 'descending' : 'ascending') : undefined;
                return (
                  <th key={c.key} className={cls(num(c), c.headerClassName)} aria-sort={sorted}>
                    {c.sort ? (
                      <button
                        type="button"
                        className="sort"
                        onClick={() =>
                          setSortText(formatSort(nextSort(sorted ? order : null, c.key)), serverSorted ? ['page'] : [])
                        }
                      >
                        {c.header}
                        <span className="sort-mark" aria-hidden="true">
                          {sorted === 'ascending' ? '▲' : sorted === 'descending' ? '▼' : ''}
                        </span>
                      </button>
                    ) : (
                      c.header
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
        )}
        <tbody>
          {shown.map((row, i) => (
            <tr key={rowKey(row, i)} className={rowClassName?.(row)}>
              {columns.map((c) => (
                <td
                  key={c.key}
                  className={cls(num(c), typeof c.className === 'function' ? c.className(row) : c.className)}
                  title={c.title?.(row)}
                >
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A cell for a name that may be empty (messages without an event type or source). */
export function OrNone({ text }: { text: string }) {
  return text ? text : <span className="muted">(none)</span>;
}
