import { describe, expect, it } from 'vitest';
import { evaluateKafkaGroup, type KafkaGroupRound, type PartitionReading } from './kafka-evaluator.ts';
import { failedRound } from './kafka-groups.ts';

const W = 6;

/** One round per entry: [committed, logEnd] for partition 0 (and more partitions through `extra`). */
function rounds(
  points: [number, number][],
  opts: { owner?: string; members?: number; assignmentKnown?: boolean; logStart?: number } = {},
): KafkaGroupRound[] {
  return points.map(([committed, logEnd], i) => ({
    at: 1_000_000 + i * 10_000,
    state: (opts.members ?? 1) > 0 ? 'Stable' : 'Empty',
    members: opts.members ?? 1,
    assignmentKnown: opts.assignmentKnown ?? true,
    partitions: [reading('orders', 0, committed, logEnd, opts.owner ?? 'billing-1', opts.logStart ?? 0)],
  }));
}

function reading(
  topic: string,
  partition: number,
  committed: number,
  logEnd: number,
  owner = 'billing-1',
  logStart = 0,
): PartitionReading {
  return {
    topic,
    partition,
    committed,
    logStart,
    logEnd,
    lag: Math.max(0, logEnd - committed),
    lagSeconds: null,
    owner,
  };
}

/** W rounds of a stable group of one member reading several partitions. */
const stableRounds = (partitions: (i: number) => PartitionReading[]): KafkaGroupRound[] =>
  Array.from({ length: W }, (_, i) => ({
    at: i,
    state: 'Stable',
    members: 1,
    assignmentKnown: true,
    partitions: partitions(i),
  }));

/** An offset over the rounds: where it is at the first, and how far it moves each round after. */
type Moving = [first: number, perRound: number];

/** `n` rounds of [committed, logEnd] for partition 0. */
const series = (n: number, committed: Moving, logEnd: Moving): [number, number][] =>
  Array.from({ length: n }, (_, i) => [committed[0] + i * committed[1], logEnd[0] + i * logEnd[1]]);

/** The verdict on `n` rounds of partition 0. */
const judge = (n: number, committed: Moving, logEnd: Moving, opts?: Parameters<typeof rounds>[1]) =>
  evaluateKafkaGroup(rounds(series(n, committed, logEnd), opts), W);

describe('evaluateKafkaGroup', () => {
  it('is OK with nothing sampled yet and when caught up', () => {
    expect(evaluateKafkaGroup([], W).status).toBe('OK');
    expect(judge(W, [100, 10], [100, 10])).toEqual({ status: 'OK', reason: 'caught up' });
  });

  it('is ERR when the latest round could not be read, with the error in the reason', () => {
    const failed = failedRound(2_000_000, 'offset fetch failed: NOT_COORDINATOR');
    const verdict = evaluateKafkaGroup([...rounds(series(3, [10, 0], [20, 0])), failed], W);
    expect(verdict.status).toBe('ERR');
    expect(verdict.reason).toContain('NOT_COORDINATOR');
  });

  it('judges the rounds that were read when an earlier one failed', () => {
    const ok = rounds(series(4, [10, 0], [20, 5]), { owner: '', members: 0 });
    const failed = failedRound(1, 'timeout');
    expect(
      evaluateKafkaGroup(
        [ok[0], failed, ...ok.slice(1)].filter((r) => r !== undefined),
        W,
      ).status,
    ).toBe('STOP');
  });

  it('is OK when lag was zero at any point in the window, whatever the rest looks like (Burrow rule 1)', () => {
    const points = series(W, [100, 0], [100, 50]); // lag 0 at the first round only
    expect(evaluateKafkaGroup(rounds(points, { owner: '', members: 0 }), W).status).toBe('OK');
    // once the zero leaves the window the same group is stopped
    expect(evaluateKafkaGroup(rounds([...points, [100, 450]], { owner: '', members: 0 }), W).status).toBe('STOP');
  });

  it('is STOP before the window is full when no member owns a partition whose offset does not move while lag exists', () => {
    const verdict = evaluateKafkaGroup(
      rounds(
        [
          [500, 1734],
          [500, 1800],
          [500, 1900],
        ],
        { owner: '', members: 0 },
      ),
      W,
    );
    expect(verdict).toEqual({
      status: 'STOP',
      reason:
        'lag 1,400 and rising for 3 samples on orders/0; committed offset unchanged for 3 samples and no member owns the partition',
    });
  });

  it('is OK on a single reading, even with lag and no owner: one sample never decides', () => {
    expect(evaluateKafkaGroup(rounds([[500, 1734]], { owner: '', members: 0 }), W).status).toBe('OK');
  });

  it('is STOP once a consumer that was committing has been gone for more than half the window', () => {
    const moving = series(4, [100, 10], [120, 5]);
    const gone = (n: number) =>
      rounds([...moving, ...series(n, [130, 0], [150, 10])])
        .map((r, i, all) =>
          i >= all.length - n
            ? { ...r, members: 0, state: 'Empty', partitions: r.partitions.map((p) => ({ ...p, owner: '' })) }
            : r,
        )
        .slice(-W);
    // the run of unchanged offsets counts the round of the last commit: 2 idle rounds make a run of 3 of 6, not yet more than half
    expect(evaluateKafkaGroup(gone(2), W).status).toBe('OK');
    expect(evaluateKafkaGroup(gone(3), W).status).toBe('STOP');
  });

  it('is STALL when the owning member is alive but the committed offset stays put for the whole window', () => {
    const verdict = judge(W, [5000, 0], [6234, 0], { owner: 'billing-1' });
    expect(verdict).toEqual({
      status: 'STALL',
      reason:
        'lag 1,234 on orders/0; committed offset 5,000 unchanged for 6 samples although billing-1 owns the partition',
    });
  });

  it('is not STALL before the window is full', () => {
    expect(judge(W - 1, [5000, 0], [6234, 0]).status).toBe('OK');
  });

  it('counts any member as owner when assignments cannot be decoded', () => {
    const unknown = (members: number) =>
      rounds(series(W, [5000, 0], [6234, 0]), { owner: '', members, assignmentKnown: false });
    expect(evaluateKafkaGroup(unknown(2), W).status).toBe('STALL');
    expect(evaluateKafkaGroup(unknown(0), W).status).toBe('STOP');
  });

  it('is WARN when lag rises across the whole window while offsets are being committed', () => {
    const verdict = judge(W, [1000, 10], [1100, 100]);
    expect(verdict).toEqual({
      status: 'WARN',
      reason: 'lag 550 and rising for 6 samples on orders/0; committed offset advanced by 50',
    });
  });

  it('is not WARN when lag dipped once, when the window is not full, or when lag falls', () => {
    const dip = series(W, [1000, 10], [1100, 100]).map(([c, e], i): [number, number] =>
      i === 3 ? [c + 300, e] : [c, e],
    );
    expect(evaluateKafkaGroup(rounds(dip), W).status).toBe('OK');
    expect(judge(W - 1, [1000, 10], [1100, 100]).status).toBe('OK');
    expect(judge(W, [1000, 100], [2000, 10])).toEqual({ status: 'OK', reason: 'lag 550 over 1 partition; consuming' });
  });

  it('is ERR when lag rises while the committed offset has fallen behind the log start', () => {
    const verdict = judge(3, [100, 0], [900, 100], { owner: '', members: 0, logStart: 400 });
    expect(verdict.status).toBe('ERR');
    expect(verdict.reason).toContain('committed offset 100 is behind the log start 400');
  });

  it('takes the worst partition and says how many more share its status', () => {
    const mixed = stableRounds((i) => [
      reading('orders', 0, 100 + i * 10, 100 + i * 10),
      reading('orders', 1, 50, 80 + i * 10, ''),
      reading('orders', 2, 70, 90 + i * 10, ''),
    ]);
    const verdict = evaluateKafkaGroup(mixed, W);
    expect(verdict.status).toBe('STOP');
    expect(verdict.reason).toMatch(/on orders\/1; .* \(and 1 more partitions STOP\)$/);
  });

  it('is WARN on the group total when a slow consumer rises overall although each partition alone is noisy', () => {
    // partitions take turns: each dips when its batch is committed, the sum keeps climbing
    const turns = stableRounds((i) => [
      reading('orders', 0, 100 + (i % 2 === 0 ? i * 30 : (i - 1) * 30), 200 + i * 40),
      reading('orders', 1, 100 + (i % 2 === 1 ? i * 30 : Math.max(0, i - 1) * 30), 200 + i * 40),
    ]);
    const verdict = evaluateKafkaGroup(turns, W);
    expect(verdict.status).toBe('WARN');
    expect(verdict.reason).toMatch(/^lag [\d,]+ and rising for 6 samples; committed offsets advanced by/);
  });
});
