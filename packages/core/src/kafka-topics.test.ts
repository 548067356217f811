import { describe, expect, it } from 'vitest';
import { createReadyTopics, type TopicAdmin } from './kafka-topics.ts';

const retriable = (message: string) => Object.assign(new Error(message), { retriable: true });

describe('createReadyTopics', () => {
  it('creates once, then waits through the answers of a broker that has not applied the topic yet', async () => {
    const calls: string[] = [];
    const answers = [retriable('UNKNOWN_TOPIC_OR_PARTITION'), retriable('NOT_LEADER_OR_FOLLOWER')];
    const admin: TopicAdmin = {
      createTopics: async () => (calls.push('create'), true),
      fetchTopicOffsets: async () => {
        calls.push('offsets');
        const answer = answers.shift();
        if (answer) throw answer;
        return [];
      },
    };
    await createReadyTopics(admin, [{ topic: 't', numPartitions: 2 }]);
    expect(calls).toEqual(['create', 'offsets', 'offsets', 'offsets']);
  });

  it('fails at once on what is not retriable, and after the deadline on what is', async () => {
    const refused: TopicAdmin = {
      createTopics: () => Promise.reject(new Error('INVALID_REPLICATION_FACTOR')),
      fetchTopicOffsets: async () => [],
    };
    await expect(createReadyTopics(refused, [{ topic: 't' }])).rejects.toThrow('INVALID_REPLICATION_FACTOR');
    const neverReady: TopicAdmin = {
      createTopics: async () => true,
      fetchTopicOffsets: () => Promise.reject(retriable('NOT_LEADER_OR_FOLLOWER')),
    };
    await expect(createReadyTopics(neverReady, [{ topic: 't' }], 300)).rejects.toThrow('NOT_LEADER_OR_FOLLOWER');
  });
});
