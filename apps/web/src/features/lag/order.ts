import type { LagGroup } from './queries.ts';

const STATUS_RANK: Record<string, number> = { ERR: 0, STOP: 1, STALL: 2, WARN: 3, OK: 4 };

/** Worst first: by status, then time behind, then messages behind. */
export function worstLag(groups: LagGroup[], n = groups.length): LagGroup[] {
  return [...groups]
    .sort(
      (a, b) =>
        (STATUS_RANK[a.status] ?? 5) - (STATUS_RANK[b.status] ?? 5) ||
        (b.lag_seconds ?? 0) - (a.lag_seconds ?? 0) ||
        b.lag - a.lag,
    )
    .slice(0, n);
}
