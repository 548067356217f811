// The partition pipeline against the real embedded store, fed kafkajs-shaped batches directly: what a join's
// drain ticket waits for when a `counts` partition was gathering fetches as the group began to rebalance.
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '@rollcall/core/config';
import { silentLogger } from '@rollcall/core/log';
import { sleep } from '@rollcall/core/retry';
import { countEvents } from '@rollcall/core/store/queries';
import { embeddedStore } from '@rollcall/core/testing/store';
import { createPartitionPipeline } from './partition-pipeline.ts';

const db = embeddedStore('rollcall-partition-pipeline');

const TOPIC = 'gathering';

/** A fetch of records `first`..`last` of partition 0 of `topic`, `lag` records short of the log's end. */
function fetched(first: number, last: number, lag: number, topic = TOPIC): EachBatchPayload {
  const messages: KafkaMessage[] = [];
  for (let offset = first; offset <= last; offset++)
    messages.push({
      key: null,
      value: Buffer.from('{}'),
      timestamp: String(Date.now()),
      attributes: 0,
      offset: String(offset),
      size: 2,
      headers: { ce_type: Buffer.from('Gathered'), ce_source: Buffer.from('test'), ce_id: Buffer.from(`g-${offset}`) },
    } as unknown as KafkaMessage);
  const batch = {
    topic,
    partition: 0,
    highWatermark: String(last + 1 + lag),
    messages,
    offsetLag: () => String(lag),
    lastOffset: () => String(last),
    firstOffset: () => String(first),
  };
  return {
    batch,
    heartbeat: async () => {},
    isRunning: () => true,
    isStale: () => false,
    resolveOffset: () => {},
  } as unknown as EachBatchPayload;
}

/** A pipeline of a group member with `assigned` partitions (as many fetched at once), the offsets it commits and
 * the watermarks it reports. */
function pipelineAt(level: 'rows' | 'counts', now: () => number = Date.now, assigned = 1, flushInterval = '120s') {
  // By default a flush interval far beyond any wait of these tests: what is stored in time was not waiting for it.
  const config = parseConfig(
    JSON.stringify({ writer: { flush_interval: flushInterval }, audit: { default: level } }),
    'partition-pipeline.test',
  );
  const commits: string[] = [];
  const watermarks: number[] = [];
  const owner = {
    commitOffsets: async (offsets: { offset: string }[]) => {
      commits.push(...offsets.map((o) => o.offset));
    },
  } as unknown as Consumer;
  const pipeline = createPartitionPipeline({
    config,
    store: db.store,
    log: silentLogger,
    now,
    concurrency: assigned,
    onWatermark: (mark) => watermarks.push(mark),
  });
  pipeline.groupJoined(true, assigned);
  return { pipeline, owner, commits, watermarks };
}

describe('partition pipeline', () => {
  it('stores an open counts gathering at once when a drain waits for every row', { timeout: 60_000 }, async () => {
    const { pipeline, owner, commits } = pipelineAt('counts');
    try {
      // Two fetches of a partition behind its log's end fold into one gathering, which waits for more.
      await pipeline.eachBatch(owner, fetched(0, 9, 50));
      await pipeline.eachBatch(owner, fetched(10, 19, 40));
      expect(pipeline.outstanding()).toBe(true);
      // The group rebalances: no more fetches come, and the join's drain ticket waits for what was handed over.
      const drained = await Promise.race([pipeline.allStored().then(() => true), sleep(30_000).then(() => false)]);
      expect(drained).toBe(true);
      expect((await countEvents(db.store, { broker: 'kafka', stream: TOPIC })).count).toBe(20);
      await sleep(100); // the commits follow the insert
      expect(commits).toEqual(['10', '20']);
    } finally {
      await pipeline.close();
    }
  });

  it(
    'stores a partition at once when it caught up a backlog, not when it was one fetch short of its log',
    { timeout: 60_000 },
    async () => {
      // Rows are observed at this clock's time, which must not pass the real one.
      let clock = Date.now() - 130_000;
      // Four partitions assigned, two in use: the writer stores after a flush interval of 5 s unless a caught-up
      // partition's submission is urgent.
      const { pipeline, owner } = pipelineAt('rows', () => clock, 4, '5s');
      const count = async (stream: string) => (await countEvents(db.store, { broker: 'kafka', stream })).count;
      const countReaches = async (stream: string, n: number) => {
        while ((await count(stream)) < n) await sleep(50);
      };
      try {
        // Read at about the rate it is written: one fetch ends short of the log, the next 50 ms later at its end.
        // kafkajs would hand over the partition's next fetch once the first is stored.
        await pipeline.eachBatch(owner, fetched(0, 9, 5, 'edge'));
        clock += 50;
        void pipeline.eachBatch(owner, fetched(10, 14, 0, 'edge'));
        // The first is stored after the flush interval; the second then waits for the writer's flush as well, as
        // it would have had the first reached the log's end too, instead of going to the store alone at once.
        await countReaches('edge', 10);
        await sleep(1000);
        expect(await count('edge')).toBe(10);
        await countReaches('edge', 15);
        // A backlog read for two minutes (more than the flush interval), then caught up: its last submission goes
        // to the store as soon as the one before it is stored, not a flush interval later.
        await pipeline.eachBatch(owner, fetched(0, 9, 500, 'backlog'));
        clock += 120_000;
        void pipeline.eachBatch(owner, fetched(10, 509, 0, 'backlog'));
        await countReaches('backlog', 10);
        await sleep(2500);
        expect(await count('backlog')).toBe(510);
      } finally {
        await pipeline.close();
      }
    },
  );

  it(
    'is caught up after a fetch of only a transaction marker: the watermark moves on',
    { timeout: 60_000 },
    async () => {
      let clock = 1_000_000;
      const { pipeline, owner, commits, watermarks } = pipelineAt('rows', () => clock);
      const topic = 'transactions';
      try {
        pipeline.fetchStarted(1);
        // The transaction's records, their commit marker (offset 110) not in this fetch.
        await pipeline.eachBatch(owner, fetched(100, 109, 1, topic));
        clock += 1000;
        pipeline.fetchStarted(1);
        // The next fetch holds only the marker: kafkajs reports it and calls no eachBatch.
        pipeline.filteredBatch(owner, topic, 0, '0', '110');
        clock += 1000;
        pipeline.fetchStarted(1);
        // Everything appended before the second fetch started is read, and stored once the records are.
        await pipeline.allStored();
        await sleep(100);
        expect(Math.max(...watermarks)).toBe(1_001_000);
        expect(commits).toEqual(['110', '111']);
      } finally {
        await pipeline.close();
      }
    },
  );
});
