// "Start at latest": on the group's very first start, the end offsets of every existing topic are committed once,
// before consuming (every later subscription reads from the beginning when the group has no committed offset).
import type { Admin, Kafka, PartitionAssigner } from 'kafkajs';
import type { Config } from '@rollcall/core/config/schema';
import type { Logger } from '@rollcall/core/log';
import { retryRetriable } from '@rollcall/core/retry';
import type { Store } from '@rollcall/core/store';
import { hasMarker, setMarker } from './markers.ts';

export interface FirstStartDeps {
  kafka: Kafka;
  admin: Admin;
  config: Config;
  store: Store;
  log: Logger;
  now: () => number;
  /** The tap's assigners: the seeking consumer joins the tap's group. */
  assigners: PartitionAssigner[];
}

/** Retries what kafkajs marks retriable (coordinator moves, leader elections) for up to about half a minute. */
const retryKafka = <T>(op: () => Promise<T>, log: Logger): Promise<T> =>
  retryRetriable(op, {
    attempts: 12,
    capMs: 5000,
    baseMs: 250,
    onRetry: (err, delay) => log.debug('retriable Kafka error; retrying', { err, delay_ms: delay }),
  });

// kafkajs's admin.setOffsets does this one topic at a time, each with its own group join (about 5 s apiece):
// one paused consumer seeks every topic to its end and commits that when it stops.
async function seekAllToEnd({ kafka, admin, config, assigners, log }: FirstStartDeps, topics: string[]): Promise<void> {
  // A topic created moments ago may not have its leader on every broker yet (NOT_LEADER_OR_FOLLOWER).
  const ends = await Promise.all(
    topics.map(async (topic) => ({
      topic,
      partitions: await retryKafka(() => admin.fetchTopicOffsets(topic), log),
    })),
  );
  const seeker = kafka.consumer({ groupId: config.kafka.group_id, partitionAssigners: assigners });
  await seeker.connect();
  try {
    await seeker.subscribe({ topics, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      seeker.on(seeker.events.FETCH, () => void seeker.stop().then(resolve, reject));
      seeker.run({ eachBatchAutoResolve: false, eachBatch: async () => {} }).catch(reject);
      seeker.pause(topics.map((topic) => ({ topic })));
      for (const { topic, partitions } of ends)
        for (const p of partitions) seeker.seek({ topic, partition: p.partition, offset: p.high });
    });
  } finally {
    await seeker.disconnect();
  }
}

/** On the group's very first start, begin at the end of every existing topic ("latest"). */
export async function commitLatestOnFirstStart(deps: FirstStartDeps, topics: string[]): Promise<void> {
  const { admin, store, log, now } = deps;
  const cfg = deps.config.kafka;
  const marker = `kafka-first-start/${cfg.cluster}/${cfg.group_id}`;
  if (cfg.start === 'earliest' || (await hasMarker(store, marker))) return;
  // A broker that has never hosted a group answers NOT_COORDINATOR until __consumer_offsets exists.
  const committed = await retryKafka(() => admin.fetchOffsets({ groupId: cfg.group_id, topics }), log);
  const fresh = committed
    .filter(({ partitions }) => partitions.every((p) => Number(p.offset) < 0))
    .map(({ topic }) => topic);
  if (fresh.length) {
    await seekAllToEnd(deps, fresh);
    log.info('first start: reading from the end of each existing topic', { topics: fresh.length });
  }
  await setMarker(store, marker, now());
}
