// How the API benches time a call: a few warm-up calls, then percentiles of the timed ones.
const WARM_UP = 2;

/** The value at percentile `p` of ascending `sorted`; 0 when there is none. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export interface Timing<R> {
  p50: number;
  p95: number;
  max: number;
  /** What the last call returned (its status, its size). */
  last: R;
}

/** Calls `call` `runs` times after the warm-up calls (they warm the engine's caches) and times each in ms. */
export async function timeCalls<R>(runs: number, call: () => Promise<R>): Promise<Timing<R>> {
  const times: number[] = [];
  let last: R | undefined;
  for (let r = 0; r < runs + WARM_UP; r++) {
    const t = performance.now();
    last = await call();
    if (r >= WARM_UP) times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  if (last === undefined) throw new Error('timeCalls: no call was made');
  return { p50: percentile(times, 50), p95: percentile(times, 95), max: times.at(-1) ?? 0, last };
}
