// How many messages a producer may send now. At a target rate the count owed follows the clock from the start,
// so a producer that fell behind catches up instead of silently running slow; at rate 0 it is always a full batch.
export interface Pacer {
  /** Messages to send now, 0..maxBatch; the caller sends exactly that many. */
  take(now: number): number;
  /** ms until the next message is owed (0 when one is owed already). */
  waitMs(now: number): number;
}

export function createPacer(ratePerSec: number, startedAt: number, maxBatch: number): Pacer {
  let issued = 0;
  const owed = (now: number) => Math.floor(((now - startedAt) * ratePerSec) / 1000) + 1 - issued;
  if (ratePerSec <= 0) {
    return { take: () => maxBatch, waitMs: () => 0 };
  }
  return {
    take(now) {
      const n = Math.max(0, Math.min(maxBatch, owed(now)));
      issued += n;
      return n;
    },
    waitMs(now) {
      if (owed(now) > 0) return 0;
      const nextAt = startedAt + (issued * 1000) / ratePerSec;
      return Math.max(0, nextAt - now);
    },
  };
}
