// Reads every matching Kafka consumer group once: members and their assignments, committed offsets, and the
// log start and end of each partition it has committed to. A group that cannot be read gets an error round;
// the others are unaffected. Only listing the groups failing fails the whole read.
import { AssignerProtocol, type Admin, type GroupDescription } from 'kafkajs';
import { selectTopics, type TopicFilter } from '../kafka/topics.ts';
import type { KafkaGroupRound, PartitionReading } from './kafka-evaluator.ts';

interface Committed {
  topic: string;
  partition: number;
  offset: number;
}

interface GroupRead {
  description: GroupDescription;
  committed: Committed[];
}

interface LogRange {
  start: number;
  end: number;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export interface GroupSample {
  round: KafkaGroupRound;
  /** topics assigned to its members or holding its committed offsets */
  topics: string[];
}

/** Samples keyed by group id, with lagSeconds still null: the caller fills it in from the store. */
export async function readKafkaGroups(
  admin: Admin,
  filter: TopicFilter,
  at: number,
): Promise<Map<string, GroupSample>> {
  const { groups } = await admin.listGroups();
  const ids = selectTopics([...new Set(groups.map((g) => g.groupId))], filter);
  const reads = await Promise.allSettled(ids.map((id) => readGroup(admin, id)));

  const topics = new Set(reads.flatMap((r) => (r.status === 'fulfilled' ? r.value.committed.map((c) => c.topic) : [])));
  const ranges = new Map<string, Map<number, LogRange> | Error>();
  await Promise.all(
    [...topics].map(async (topic) => {
      try {
        const offsets = await admin.fetchTopicOffsets(topic);
        ranges.set(topic, new Map(offsets.map((o) => [o.partition, { start: Number(o.low), end: Number(o.high) }])));
      } catch (err) {
        ranges.set(topic, new Error(`log offsets of ${topic}: ${message(err)}`));
      }
    }),
  );

  const samples = new Map<string, GroupSample>();
  ids.forEach((id, i) => {
    const read = reads[i];
    if (!read || read.status === 'rejected') {
      samples.set(id, { round: failedRound(at, message(read?.reason)), topics: [] });
      return;
    }
    const failedTopic = read.value.committed.map((c) => ranges.get(c.topic)).find((r) => r instanceof Error);
    samples.set(
      id,
      failedTopic instanceof Error
        ? { round: failedRound(at, failedTopic.message), topics: [] }
        : sampleOf(read.value, ranges, at),
    );
  });
  return samples;
}

export const failedRound = (at: number, error: string): KafkaGroupRound => ({
  at,
  error,
  state: '',
  members: 0,
  assignmentKnown: false,
  partitions: [],
});

async function readGroup(admin: Admin, groupId: string): Promise<GroupRead> {
  const [described, offsets] = await Promise.all([admin.describeGroups([groupId]), admin.fetchOffsets({ groupId })]);
  const description = described.groups.find((g) => g.groupId === groupId);
  if (!description) throw new Error(`group ${groupId} was not described`);
  // -1: the group holds no committed offset for that partition, so it has no position to be behind from.
  const committed = offsets
    .flatMap(({ topic, partitions }) =>
      partitions.map((p) => ({ topic, partition: p.partition, offset: Number(p.offset) })),
    )
    .filter((c) => c.offset >= 0);
  return { description, committed };
}

function sampleOf(
  { description, committed }: GroupRead,
  ranges: Map<string, Map<number, LogRange> | Error>,
  at: number,
): GroupSample {
  const owners = assignments(description);
  const partitions = committed.flatMap((c): PartitionReading[] => {
    const range = ranges.get(c.topic);
    const log = range instanceof Map ? range.get(c.partition) : undefined;
    if (!log) return []; // a partition that no longer exists
    const owner = owners?.get(`${c.topic}/${c.partition}`) ?? '';
    return [
      {
        topic: c.topic,
        partition: c.partition,
        committed: c.offset,
        logStart: log.start,
        logEnd: log.end,
        lag: Math.max(0, log.end - c.offset),
        lagSeconds: null,
        owner,
      },
    ];
  });
  partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  const topics = new Set([
    ...committed.map((c) => c.topic),
    ...[...(owners?.keys() ?? [])].map((key) => key.slice(0, key.lastIndexOf('/'))),
  ]);
  return {
    round: {
      at,
      state: description.state,
      members: description.members.length,
      assignmentKnown: owners !== undefined,
      partitions,
    },
    topics: [...topics].sort(),
  };
}

/** topic/partition → client id of the member that holds it; undefined when the group does not use the
 * consumer protocol's assignment format and so cannot be decoded. */
function assignments(description: GroupDescription): Map<string, string> | undefined {
  if (description.members.length > 0 && description.protocolType !== 'consumer') return undefined;
  const owners = new Map<string, string>();
  for (const member of description.members) {
    let decoded: ReturnType<typeof AssignerProtocol.MemberAssignment.decode>;
    try {
      decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
    } catch {
      return undefined;
    }
    // A member between rebalance phases has an empty assignment; it owns nothing yet.
    for (const [topic, parts] of Object.entries(decoded?.assignment ?? {}))
      for (const p of parts) owners.set(`${topic}/${p}`, member.clientId);
  }
  return owners;
}
