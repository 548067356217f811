import { AssignerProtocol, type Cluster, type Logger as KafkaLogger } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '@rollcall/core/log';
import { DRAIN_PROTOCOL, DrainTimeoutError, drainAssigner, type DrainHooks } from './drain-assigner.ts';

// Round robin only asks the cluster for each topic's partitions.
const cluster = {
  findTopicPartitionMetadata: () => [0, 1, 2, 3].map((partitionId) => ({ partitionId })),
} as unknown as Cluster;
const context = { cluster, groupId: 'g', logger: {} as KafkaLogger };

const member = (memberId: string, ticket: string) => ({
  memberId,
  memberMetadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics: ['t'], userData: Buffer.from(ticket) }),
});
const assigned = (result: { memberId: string; memberAssignment: Buffer }[]) =>
  Object.fromEntries(
    result.map((r) => [r.memberId, AssignerProtocol.MemberAssignment.decode(r.memberAssignment)?.assignment]),
  );

function hooks(overrides: Partial<DrainHooks>): DrainHooks {
  return { ticket: () => undefined, drained: async () => true, timeoutMs: 1000, log: silentLogger, ...overrides };
}

describe('drain assigner', () => {
  it('puts the ticket of a member with inserts outstanding into its join metadata', () => {
    const idle = drainAssigner(hooks({}))(context).protocol({ topics: ['t'] });
    const busy = drainAssigner(hooks({ ticket: () => 'run-7' }))(context).protocol({ topics: ['t'] });
    expect(idle.name).toBe(DRAIN_PROTOCOL);
    expect(AssignerProtocol.MemberMetadata.decode(idle.metadata)?.userData.toString()).toBe('');
    expect(AssignerProtocol.MemberMetadata.decode(busy.metadata)).toMatchObject({ topics: ['t'] });
    expect(AssignerProtocol.MemberMetadata.decode(busy.metadata)?.userData.toString()).toBe('run-7');
  });

  it('assigns only once every ticket is drained, then like round robin', async () => {
    const landed = new Set<string>();
    const asked: string[] = [];
    const assigner = drainAssigner(hooks({ drained: async (t) => (asked.push(t), landed.has(t)) }))(context);
    let done = false;
    const result = assigner
      .assign({ members: [member('a', 'run-1'), member('b', '')], topics: ['t'] })
      .then((r) => ((done = true), r));
    await new Promise((r) => setTimeout(r, 200));
    expect(done).toBe(false); // a's inserts are still running
    landed.add('run-1');
    expect(assigned(await result)).toEqual({ a: { t: [0, 2] }, b: { t: [1, 3] } });
    expect(new Set(asked)).toEqual(new Set(['run-1'])); // b had nothing outstanding: never asked about
  });

  it('refuses to assign, retriably, when a ticket does not drain in time', async () => {
    const assigner = drainAssigner(hooks({ drained: async () => false, timeoutMs: 150 }))(context);
    const failure = await assigner
      .assign({ members: [member('a', 'run-1')], topics: ['t'] })
      .catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(DrainTimeoutError);
    expect(failure).toMatchObject({ retriable: true, message: expect.stringContaining('run-1') });
  });
});
