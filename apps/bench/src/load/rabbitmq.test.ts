import { describe, expect, it } from 'vitest';
import { vhostOf } from './rabbit-management.ts';
import { queuesOfConsumer } from './rabbitmq.ts';

describe('queuesOfConsumer', () => {
  it('gives every queue a consumer and spreads consumers evenly', () => {
    const assignment = (consumers: number, queues: number) =>
      Array.from({ length: consumers }, (_, j) => queuesOfConsumer(j, consumers, queues));
    expect(assignment(1, 3)).toEqual([[0, 1, 2]]);
    expect(assignment(2, 3)).toEqual([[0, 2], [1]]);
    expect(assignment(3, 3)).toEqual([[0], [1], [2]]);
    expect(assignment(4, 2)).toEqual([[0], [1], [0], [1]]);
  });
});

describe('vhostOf', () => {
  it('reads the vhost from the URL path, / when there is none', () => {
    expect(vhostOf('amqp://guest:guest@127.0.0.1:5672')).toBe('/');
    expect(vhostOf('amqp://127.0.0.1:5672/')).toBe('/');
    expect(vhostOf('amqp://127.0.0.1:5672/rollcall-bench')).toBe('rollcall-bench');
    expect(vhostOf('amqps://mq/%2Fprod')).toBe('/prod');
  });
});
