// Sorting table rows by a column's key: `count` ascending, `-count` descending; blanks always last.

export type SortValue = string | number | null | undefined;
export interface SortOrder {
  key: string;
  desc: boolean;
}

export function parseSort(text: string): SortOrder | null {
  if (!text || text === '-') return null;
  return text.startsWith('-') ? { key: text.slice(1), desc: true } : { key: text, desc: false };
}

export function formatSort(order: SortOrder | null): string {
  return order ? `${order.desc ? '-' : ''}${order.key}` : '';
}

/** A click on a column header: ascending, then descending, then back to the table's own order. */
export function nextSort(current: SortOrder | null, key: string): SortOrder | null {
  if (current?.key !== key) return { key, desc: false };
  return current.desc ? null : { key, desc: true };
}

function compare(a: SortValue, b: SortValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

const blank = (v: SortValue) => v === null || v === undefined || v === '';

/** A stable sort of `rows` by `value`; rows without a value stay at the end in either direction. */
export function sortRows<T>(rows: readonly T[], value: (row: T) => SortValue, desc: boolean): T[] {
  return rows
    .map((row, i) => ({ row, i, v: value(row) }))
    .sort((a, b) => {
      if (blank(a.v) || blank(b.v)) return Number(blank(a.v)) - Number(blank(b.v)) || a.i - b.i;
      return (desc ? compare(b.v, a.v) : compare(a.v, b.v)) || a.i - b.i;
    })
    .map((x) => x.row);
}
