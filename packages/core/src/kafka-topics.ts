// Creating Kafka topics that are ready to use. kafkajs's createTopics({ waitForLeaders }) only retries
// LEADER_NOT_AVAILABLE: a KRaft broker that has not applied the new topic yet answers UNKNOWN_TOPIC_OR_PARTITION,
// or NOT_LEADER_OR_FOLLOWER, and it gives up. On a loaded machine that is a matter of a few hundred ms.
import { retryRetriable } from './retry.ts';

export interface TopicSpec {
  topic: string;
  numPartitions?: number;
  replicationFactor?: number;
}

/** The part of kafkajs's Admin this needs (core does not depend on kafkajs). */
export interface TopicAdmin {
  createTopics(options: { topics: TopicSpec[] }): Promise<boolean>;
  fetchTopicOffsets(topic: string): Promise<unknown>;
}

/** Creates the topics (those that exist are left as they are) and returns once every partition's leader answers
 * for its offsets, retrying what kafkajs marks retriable for up to `timeoutMs`. */
export async function createReadyTopics(admin: TopicAdmin, topics: TopicSpec[], timeoutMs = 30_000): Promise<void> {
  let created = false;
  const ready = async () => {
    if (!created) {
      await admin.createTopics({ topics });
      created = true;
    }
    await Promise.all(topics.map(({ topic }) => admin.fetchTopicOffsets(topic)));
  };
  await retryRetriable(ready, { timeoutMs, capMs: 1000, baseMs: 100 });
}
