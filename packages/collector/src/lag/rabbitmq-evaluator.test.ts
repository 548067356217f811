import { describe, expect, it } from 'vitest';
import { evaluateQueue, type QueueRound } from './rabbitmq-evaluator.ts';

const W = 6;

type Point = Pick<QueueRound, 'ready'> & Partial<Omit<QueueRound, 'ready' | 'at'>>;

const rounds = (points: Point[]): QueueRound[] =>
  points.map((p, i) => ({
    at: 1_000_000 + i * 10_000,
    unacked: 0,
    consumers: 1,
    publishRate: 50,
    deliverRate: 40,
    ackRate: 40,
    lagSeconds: null,
    ...p,
  }));

const stopped = (ready: number): Point => ({ ready, consumers: 0, deliverRate: 0, ackRate: 0 });

describe('evaluateQueue', () => {
  it('is OK with nothing sampled and ERR when the latest round failed', () => {
    expect(evaluateQueue([], W).status).toBe('OK');
    const verdict = evaluateQueue(
      [
        ...rounds([{ ready: 5 }]),
        { ...rounds([{ ready: 0 }])[0], at: 2, error: 'management API answered 503' } as QueueRound,
      ],
      W,
    );
    expect(verdict).toEqual({ status: 'ERR', reason: 'could not read the queue: management API answered 503' });
  });

  it('is OK when the queue was empty at any point in the window (Burrow rule 1)', () => {
    const points = [{ ready: 0 }, stopped(10), stopped(20), stopped(30), stopped(40), stopped(50)];
    expect(evaluateQueue(rounds(points), W)).toEqual({ status: 'OK', reason: 'depth 50; empty within the window' });
    expect(evaluateQueue(rounds([...points, stopped(60)]), W).status).toBe('STOP');
  });

  it('is STOP before the window is full when depth rises with no consumers', () => {
    expect(evaluateQueue(rounds([stopped(1200), stopped(1234), stopped(1300)]), W)).toEqual({
      status: 'STOP',
      reason: 'depth 1,300 and rising for 3 samples; no consumers for 3 samples',
    });
  });

  it('is OK on a single sample, and while consumers left less than half the window ago', () => {
    expect(evaluateQueue(rounds([stopped(100)]), W).status).toBe('OK');
    const draining = [{ ready: 90 }, { ready: 70 }, { ready: 50 }, { ready: 30 }];
    expect(evaluateQueue(rounds([...draining, stopped(40), stopped(50)]), W).status).toBe('OK');
    expect(evaluateQueue(rounds([...draining.slice(1), stopped(40), stopped(50), stopped(60)]), W).status).toBe('OK');
    expect(
      evaluateQueue(rounds([...draining.slice(2), stopped(40), stopped(50), stopped(60), stopped(70)]), W).status,
    ).toBe('STOP');
  });

  it('is STOP when consumers are attached but nothing is delivered or acked while depth rises', () => {
    const stuck = (ready: number): Point => ({ ready, consumers: 2, unacked: 100, deliverRate: 0, ackRate: 0 });
    expect(evaluateQueue(rounds([stuck(10), stuck(20), stuck(35)]), W)).toEqual({
      status: 'STOP',
      reason: 'depth 35 and rising for 3 samples; nothing delivered or acked for 3 samples (2 consumers)',
    });
  });

  it('is STALL when consumers are attached, depth stays and nothing moves for the whole window', () => {
    const stuck: Point = { ready: 400, consumers: 3, deliverRate: 0, ackRate: 0, publishRate: 0 };
    expect(evaluateQueue(rounds(Array.from({ length: W }, () => stuck)), W)).toEqual({
      status: 'STALL',
      reason: 'depth 400; 3 consumers attached but nothing delivered or acked for 6 samples',
    });
    expect(evaluateQueue(rounds(Array.from({ length: W - 1 }, () => stuck)), W).status).toBe('OK');
  });

  it('counts deliveries without acks (auto-ack consumers) as consuming', () => {
    const autoAck: Point = { ready: 400, consumers: 1, deliverRate: 30, ackRate: 0, publishRate: 30 };
    expect(evaluateQueue(rounds(Array.from({ length: W }, () => autoAck)), W).status).toBe('OK');
  });

  it('is WARN when depth rises across the whole window while consumers keep taking messages', () => {
    const slow = rounds(
      Array.from({ length: W }, (_, i) => ({ ready: 100 + i * 25, deliverRate: 5, publishRate: 30 })),
    );
    expect(evaluateQueue(slow, W)).toEqual({
      status: 'WARN',
      reason: 'depth 225 and rising for 6 samples; consumers take 5.0 msg/s while 30 msg/s arrive',
    });
    expect(evaluateQueue(slow.slice(1), W).status).toBe('OK');
  });

  it('is OK while consumers drain the queue', () => {
    expect(evaluateQueue(rounds(Array.from({ length: W }, (_, i) => ({ ready: 1000 - i * 100 }))), W)).toEqual({
      status: 'OK',
      reason: 'depth 500; 1 consumer',
    });
  });
});
