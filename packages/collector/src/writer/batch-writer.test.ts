import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventRow, SchemaRow } from '@rollcall/core/event';
import { silentLogger } from '@rollcall/core/log';
import { createCountTally, type CountRow } from '@rollcall/core/store';
import { createBatchWriter, type WriterOptions } from './batch-writer.ts';

const row = (offset: number) => ({ offset }) as EventRow;

function fakeStore(failures = 0) {
  const inserts: { offsets: number[]; token: string }[] = [];
  let left = failures;
  return {
    inserts,
    store: {
      insertSchemas: async () => {},
      insertEvents: async (rows: EventRow[], token: string) => {
        if (left-- > 0) throw new Error('store down');
        inserts.push({ offsets: rows.map((r) => r.offset), token });
      },
    },
  };
}

type WriterStore = WriterOptions<number>['store'];
// Only the counts test below stores counts.
type FakeStore = Omit<WriterStore, 'insertCounts'> & Partial<Pick<WriterStore, 'insertCounts'>>;

const base = (store: FakeStore, over: Partial<WriterOptions<number>> = {}): WriterOptions<number> => ({
  store: {
    insertCounts: () => Promise.reject(new Error('counts inserted where rows were expected')),
    ...store,
  },
  log: silentLogger,
  batchSize: 5,
  flushIntervalMs: 1000,
  maxRetryDelayMs: 100,
  maxPending: () => 100,
  tokenFor: (batch) => batch.map((s) => s.meta).join(','),
  ...over,
});

/** On fake timers, a writer that at most two submitters feed at once (two partitions, say). */
function twoSubmitterWriter() {
  vi.useFakeTimers();
  const { store, inserts } = fakeStore();
  return { inserts, writer: createBatchWriter(base(store, { maxPending: () => 2 })) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('batch writer', () => {
  it('flushes as soon as a batch is full, never splitting a submission', async () => {
    const { store, inserts } = fakeStore();
    const writer = createBatchWriter(base(store));
    await Promise.all([
      writer.submit({ rows: [row(1), row(2), row(3)], meta: 1 }),
      writer.submit({ rows: [row(4), row(5)], meta: 2 }),
    ]);
    expect(inserts).toEqual([{ offsets: [1, 2, 3, 4, 5], token: '1,2' }]);
    await writer.close();
  });

  it('holds a small batch until the flush interval has passed', async () => {
    vi.useFakeTimers();
    const { store, inserts } = fakeStore();
    const writer = createBatchWriter(base(store));
    let done = false;
    void writer.submit({ rows: [row(1)], meta: 1 }).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(inserts).toEqual([]);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(inserts).toEqual([{ offsets: [1], token: '1' }]);
    expect(done).toBe(true);
  });

  it('stores a submission whose rows differ in level as one insert per level, and settles it once', async () => {
    const { store, inserts } = fakeStore();
    const writer = createBatchWriter(base(store, { batchSize: 100 }));
    const settled = writer.submit({ rows: [row(1), row(2), row(3)], levels: ['rows', 'keys', 'rows'], meta: 1 });
    await writer.close();
    await settled;
    expect(inserts).toEqual([
      { offsets: [1, 3], token: '1' },
      { offsets: [2], token: '1#keys' },
    ]);
  });

  it('flushes at once when as many messages as the source may hold are waiting, however few submissions', async () => {
    vi.useFakeTimers();
    const { store, inserts } = fakeStore();
    const writer = createBatchWriter(
      base(store, { batchSize: 100, maxPending: () => Infinity, maxPendingMessages: () => 4 }),
    );
    void writer.submit({ rows: [row(1), row(2)], meta: 1 });
    await vi.advanceTimersByTimeAsync(10);
    expect(inserts).toEqual([]);
    void writer.submit({ rows: [row(3), row(4)], meta: 2 });
    await vi.advanceTimersByTimeAsync(10);
    expect(inserts).toEqual([{ offsets: [1, 2, 3, 4], token: '1,2' }]);
    await writer.close();
  });

  it('counts the messages a submission acks without a row towards that window, and stores only its rows', async () => {
    vi.useFakeTimers();
    const { store, inserts } = fakeStore();
    const writer = createBatchWriter(
      base(store, { batchSize: 100, maxPending: () => Infinity, maxPendingMessages: () => 4 }),
    );
    void writer.submit({ rows: [row(1)], meta: 1, unkept: 2 });
    await vi.advanceTimersByTimeAsync(10);
    expect(inserts).toEqual([]);
    expect(writer.backlog()).toBe(3);
    void writer.submit({ rows: [row(2)], meta: 2 });
    await vi.advanceTimersByTimeAsync(10);
    expect(inserts).toEqual([{ offsets: [1, 2], token: '1,2' }]);
    expect(writer.backlog()).toBe(0);
    await writer.close();
  });

  it('flushes at once what is buffered when an urgent submission comes (a source that just caught up)', async () => {
    vi.useFakeTimers();
    const { store, inserts } = fakeStore();
    const writer = createBatchWriter(base(store, { batchSize: 100 }));
    void writer.submit({ rows: [row(1)], meta: 1 });
    await vi.advanceTimersByTimeAsync(10);
    expect(inserts).toEqual([]);
    void writer.submit({ rows: [row(2)], meta: 2, urgent: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(inserts).toEqual([{ offsets: [1, 2], token: '1,2' }]);
    void writer.submit({ rows: [row(3)], meta: 3 });
    await vi.advanceTimersByTimeAsync(10);
    expect(inserts).toHaveLength(1); // the next one waits again
    await writer.close();
  });

  it('flushes at once when every possible submitter is waiting', async () => {
    const { inserts, writer } = twoSubmitterWriter();
    void writer.submit({ rows: [row(1)], meta: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(inserts).toEqual([]);
    void writer.submit({ rows: [row(2)], meta: 2 });
    await vi.advanceTimersByTimeAsync(0);
    expect(inserts).toEqual([{ offsets: [1, 2], token: '1,2' }]);
  });

  it('retries a failed insert with the same token and resolves only once stored', async () => {
    const { store, inserts } = fakeStore(3);
    const writer = createBatchWriter(base(store, { batchSize: 1 }));
    await writer.submit({ rows: [row(7)], meta: 7 });
    expect(inserts).toEqual([{ offsets: [7], token: '7' }]);
    await writer.close();
  });

  it('keeps submission order across inserts', async () => {
    const { store, inserts } = fakeStore(1);
    const writer = createBatchWriter(base(store, { batchSize: 2 }));
    await Promise.all([1, 2, 3, 4, 5].map((n) => writer.submit({ rows: [row(n)], meta: n })));
    await writer.close();
    expect(inserts.flatMap((i) => i.offsets)).toEqual([1, 2, 3, 4, 5]);
  });

  it('drops what prepare() says is already stored', async () => {
    const { store, inserts } = fakeStore();
    const writer = createBatchWriter(
      base(store, { batchSize: 2, prepare: async (batch) => batch.filter((s) => s.meta !== 1) }),
    );
    await Promise.all([writer.submit({ rows: [row(1)], meta: 1 }), writer.submit({ rows: [row(2)], meta: 2 })]);
    expect(inserts).toEqual([{ offsets: [2], token: '1,2' }]);
  });

  it('flushes what is buffered on close', async () => {
    const { store, inserts } = fakeStore();
    const writer = createBatchWriter(base(store, { flushIntervalMs: 60_000 }));
    const pending = writer.submit({ rows: [row(9)], meta: 9 });
    await writer.close();
    await pending;
    expect(inserts).toEqual([{ offsets: [9], token: '9' }]);
    await expect(writer.submit({ rows: [row(10)], meta: 10 })).rejects.toThrow('closed');
  });

  it('stops retrying once the close grace period is over, rejecting what was not stored', async () => {
    const { store, inserts } = fakeStore(Number.POSITIVE_INFINITY);
    const writer = createBatchWriter(base(store, { batchSize: 1 }));
    const pending = writer.submit({ rows: [row(1)], meta: 1 });
    await writer.close(300);
    await expect(pending).rejects.toThrow('store down');
    expect(inserts).toEqual([]);
  });

  it('runs up to maxInFlight inserts at once and is idle only when all of them are stored', async () => {
    const started: number[] = [];
    const release: (() => void)[] = [];
    const store = {
      insertSchemas: async () => {},
      insertEvents: (rows: EventRow[]) => {
        started.push(rows[0]?.offset ?? -1);
        return new Promise<void>((resolve) => release.push(resolve));
      },
    };
    const writer = createBatchWriter(base(store, { batchSize: 1, maxInFlight: 2 }));
    const stored: number[] = [];
    for (const n of [1, 2, 3]) void writer.submit({ rows: [row(n)], meta: n }).then(() => stored.push(n));
    await vi.waitFor(() => expect(started).toEqual([1, 2]));
    let idle = false;
    void writer.idle().then(() => (idle = true));
    release[1]?.(); // the second finishes first: the third starts in its place, the first is still running
    await vi.waitFor(() => expect(started).toEqual([1, 2, 3]));
    expect(stored).toEqual([2]);
    release[2]?.();
    await vi.waitFor(() => expect(stored).toEqual([2, 3]));
    expect(writer.busy()).toBe(true);
    expect(idle).toBe(false);
    release[0]?.();
    await vi.waitFor(() => expect(idle).toBe(true));
    expect(stored).toEqual([2, 3, 1]);
    expect(writer.busy()).toBe(false);
    await writer.close();
  });

  it('flushes at once when a source holds a submission back behind a buffered one', async () => {
    const { inserts, writer } = twoSubmitterWriter();
    void writer.submit({ rows: [row(1)], meta: 1 });
    await vi.advanceTimersByTimeAsync(10);
    expect(inserts).toEqual([]); // one of two possible submitters: wait for the flush interval
    const release = writer.hold(); // the other is now waiting on us
    await vi.advanceTimersByTimeAsync(0);
    expect(inserts).toEqual([{ offsets: [1], token: '1' }]);
    release();
    await writer.close();
  });

  it('stores a tally (counts folded in by the source) with the counts of rows at that level, in one insert', async () => {
    const inserts: { counts: CountRow[]; token: string }[] = [];
    const events: EventRow[][] = [];
    const store = {
      insertSchemas: async () => {},
      insertEvents: async (rows: EventRow[]) => void events.push(rows),
      insertCounts: async (counts: CountRow[], token: string) => void inserts.push({ counts, token }),
    };
    const stored: { rows: number; counted: number; messages: number }[] = [];
    const writer = createBatchWriter(
      base(store, {
        batchSize: 4,
        onInserted: ({ rows, counted, messages }) =>
          stored.push({ rows: rows.length, counted: counted.reduce((n, c) => n + c.count, 0), messages }),
      }),
    );
    const message = (offset: number, eventType: string): EventRow =>
      ({
        ...row(offset),
        broker: 'kafka',
        cluster: 'c',
        stream: 't',
        kind: 'publish',
        queue: '',
        partition: 0,
        event_type: eventType,
        source: 's',
        size: 10,
        observed_at: 120_500,
        broker_ts: 0,
        key_hash: offset,
      }) as EventRow;
    const tally = createCountTally();
    for (const [offset, type] of [
      [1, 'A'],
      [2, 'A'],
      [3, 'B'],
      [4, 'A'],
    ] as const)
      tally.add(message(offset, type));
    const counted = writer.submit({ rows: [], tally, meta: 1, level: 'counts' });
    expect(writer.backlog()).toBe(4); // messages waiting
    const asRows = writer.submit({ rows: [message(5, 'A'), message(6, 'A')], meta: 2, level: 'counts' });
    // The tally weighs its two count rows, not its four messages: with the two rows it fills the batch of 4.
    expect(writer.backlog()).toBe(0);
    await Promise.all([counted, asRows]);
    expect(events).toEqual([]);
    expect(inserts).toHaveLength(1);
    expect(inserts[0]?.token).toBe('1,2#counts');
    const byType = (type: string) => inserts[0]?.counts.filter((c) => c.event_type === type);
    expect(byType('A')?.map((c) => [c.count, c.offset, c.last_key_hash])).toEqual([
      [2, 6, 6], // the rows', counted by the writer: the same minute and group, a row of its own
      [3, 4, 4], // the tally's, as the source counted them: the last record's identity kept
    ]);
    expect(byType('B')?.map((c) => [c.count, c.minute, c.bytes])).toEqual([[1, 120_000, 10]]);
    expect(stored).toEqual([{ rows: 2, counted: 4, messages: 6 }]);
    await writer.close();
  });

  it('stores schema rows given to storeSchemas before any insert that starts afterwards', async () => {
    const order: string[] = [];
    let openGate: () => void = () => {};
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const store = {
      insertSchemas: async (rows: SchemaRow[]) => {
        if (rows.length === 0) return;
        order.push('schemas:start');
        await gate;
        order.push('schemas:done');
      },
      insertEvents: async () => {
        order.push('events');
      },
    };
    const writer = createBatchWriter(base(store, { batchSize: 1, maxInFlight: 4 }));
    writer.storeSchemas([
      { fingerprint: 7, broker: 'kafka', stream: 's', event_type: 'E', paths: ['/a'], first_seen: 0 },
    ]);
    const stored = writer.submit({ rows: [row(1)], meta: 1 });
    await vi.waitFor(() => expect(order).toEqual(['schemas:start']));
    await new Promise((r) => setTimeout(r, 50));
    expect(order).toEqual(['schemas:start']); // the events insert waits
    expect(writer.busy()).toBe(true);
    openGate();
    await stored;
    expect(order).toEqual(['schemas:start', 'schemas:done', 'events']);
    await writer.close();
  });
});
