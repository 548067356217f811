// The Kafka tap's watermark: kafkajs fetches from each broker in a loop, handing a fetch's batches over before
// starting the next. When a fetch starts and no partition was left behind by the previous one (every batch reached
// the partition's end), everything appended before the previous fetch started has been read; once it is stored
// too, that time is the watermark. Fetches whose rows are not stored yet hold it back.

export interface FetchWatermark {
  /** A broker node starts a fetch. */
  fetchStarted(node: number): void;
  /** A fetched batch of partition `key` arrives; `atEnd` when it reached the partition's end. Returns when its
   * fetch started (the earliest fetch in progress). */
  batchFetched(key: string, atEnd: boolean): number;
  /** Holds the watermark at `fetchedAt` until these rows are stored. */
  hold(fetchedAt: number, storedNow: Promise<void>): void;
  /** A new consumer: no fetch of the old one counts any more. */
  restart(): void;
  /** A group join: partitions may have moved; the next batches say where they stand. */
  regrouped(): void;
}

export function createFetchWatermark(now: () => number, report: (mark: number) => void): FetchWatermark {
  const fetchStarts = new Map<number, number>(); // broker node → start of its fetch in progress
  const caughtUp = new Map<number, number>(); // broker node → start of its last fetch that left nothing behind
  const behind = new Set<string>(); // partitions whose last batch did not reach their end
  const unstoredFetches = new Map<number, number>(); // fetch start → its submissions not yet stored
  const reportWatermark = () => {
    if (caughtUp.size === 0) return;
    let mark = Math.min(...caughtUp.values());
    for (const fetchedAt of unstoredFetches.keys()) mark = Math.min(mark, fetchedAt);
    report(mark);
  };
  return {
    fetchStarted(node) {
      const previous = fetchStarts.get(node);
      if (previous !== undefined && behind.size === 0) caughtUp.set(node, previous);
      fetchStarts.set(node, now());
      reportWatermark();
    },
    batchFetched(key, atEnd) {
      const fetchedAt = fetchStarts.size ? Math.min(...fetchStarts.values()) : now();
      if (atEnd) behind.delete(key);
      else behind.add(key);
      return fetchedAt;
    },
    hold(fetchedAt, storedNow) {
      unstoredFetches.set(fetchedAt, (unstoredFetches.get(fetchedAt) ?? 0) + 1);
      const release = () => {
        const left = (unstoredFetches.get(fetchedAt) ?? 1) - 1;
        if (left > 0) unstoredFetches.set(fetchedAt, left);
        else unstoredFetches.delete(fetchedAt);
        reportWatermark();
      };
      storedNow.then(release, release);
    },
    restart() {
      fetchStarts.clear();
      caughtUp.clear();
      behind.clear();
    },
    regrouped() {
      behind.clear();
    },
  };
}
