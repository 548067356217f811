// Capped exponential backoff with full jitter: min(base * 2^attempt, cap) scaled by a random factor.
export function backoffDelay(
  attempt: number,
  capMs: number,
  baseMs = 1000,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(baseMs * 2 ** attempt, capMs);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
