// A flow's msg/s is null while no complete minute has data for it yet (drawn as "–", not as a stop at 0).
// Sorting and edge widths read such a flow as 0; sums stay unknown only while every part is.

type Rated = { msg_per_sec: number | null };

/** The rate to sort or size by: unknown counts as nothing yet. */
export const rateOf = (x: Rated): number => x.msg_per_sec ?? 0;

/** The sum of some rates: null only when none of them is known. */
export function sumRates(items: readonly Rated[]): number | null {
  return items.some((x) => x.msg_per_sec !== null) ? items.reduce((a, x) => a + rateOf(x), 0) : null;
}
