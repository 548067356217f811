// One page of an ordered list: the server-side half of the dashboard's sortable, paged tables.

export interface ListPage<K extends string> {
  sort?: { key: K; desc: boolean } | undefined;
  limit?: number | undefined;
  offset: number;
}

type Value = string | number | null;

function compare(a: Value, b: Value): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'en', { numeric: true });
}

/** Rows in `order` (a stable sort; rows without a value last either way), then `limit` rows from `offset`. */
export function pageOf<T>(
  rows: T[],
  order: { value: (row: T) => Value; desc: boolean } | undefined,
  page: { limit?: number | undefined; offset: number },
): { total: number; rows: T[] } {
  let sorted = rows;
  if (order) {
    const keyed = rows.map((row, i) => ({ row, i, v: order.value(row) }));
    keyed.sort((a, b) => {
      if (a.v === null || b.v === null) return Number(a.v === null) - Number(b.v === null) || a.i - b.i;
      return (order.desc ? compare(b.v, a.v) : compare(a.v, b.v)) || a.i - b.i;
    });
    sorted = keyed.map((k) => k.row);
  }
  const end = page.limit === undefined ? undefined : page.offset + page.limit;
  return { total: rows.length, rows: sorted.slice(page.offset, end) };
}
