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

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts?: number;
  /** No retry starts after this many ms from the first attempt. */
  timeoutMs?: number;
  capMs: number;
  baseMs: number;
  onRetry?: (err: unknown, delayMs: number) => void;
}

/** Runs `op` again, with backoff, while it throws an error marked retriable (kafkajs's coordinator moves, leader
 * elections, topics a broker has not applied yet), until the attempts or the time run out. */
export async function retryRetriable<T>(op: () => Promise<T>, options: RetryOptions): Promise<T> {
  const { attempts = Infinity, timeoutMs = Infinity, capMs, baseMs, onRetry } = options;
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      const retriable = (err as { retriable?: boolean } | null)?.retriable === true;
      if (!retriable || attempt + 1 >= attempts || Date.now() > deadline) throw err;
      const delay = backoffDelay(attempt, capMs, baseMs);
      onRetry?.(err, delay);
      await sleep(delay);
    }
  }
}
