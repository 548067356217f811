import { Connection } from 'rabbitmq-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rabbitUrl, uniqueName, waitUntil } from '@rollcall/core/testing/brokers';
import { createBurstConsumer } from './burst-consumer.ts';

describe('the burst consumer, against the real broker', () => {
  let conn: Connection;
  beforeAll(() => {
    conn = new Connection({ url: rabbitUrl(), connectionName: 'burst-consumer test' });
  });
  afterAll(() => conn.close());

  const fill = async (queue: string, n: number) => {
    await conn.queueDeclare({ queue, exclusive: false, autoDelete: false });
    const pub = conn.createPublisher();
    for (let i = 0; i < n; i++) await pub.send({ routingKey: queue }, `m${i}`);
    await pub.close();
  };
  const depth = async (queue: string) => (await conn.queueDeclare({ queue, passive: true })).messageCount;

  it('hands every message on once, in order, in bursts of more than one, and acks them all', async () => {
    const queue = uniqueName('rc-burst');
    await fill(queue, 500);
    const seen: string[] = [];
    let bursts = 0;
    const c = createBurstConsumer(conn, {
      queue: { queue },
      prefetch: 200,
      handle: async (messages) => {
        bursts++;
        seen.push(...messages.map((m) => String(m.body)));
        await new Promise((r) => setTimeout(r, 5));
      },
      onError: (err) => {
        throw err;
      },
    });
    await c.ready;
    await waitUntil(
      async () => seen.length,
      (n) => n >= 500,
      10_000,
      '500 messages',
    );
    await c.close();
    expect(seen).toEqual(Array.from({ length: 500 }, (_, i) => `m${i}`));
    expect(bursts).toBeLessThan(500);
    // acked: nothing comes back once the channel is closed
    expect(await depth(queue)).toBe(0);
    await conn.queueDelete({ queue });
  });

  it('requeues a burst it could not handle, and hands it on again', async () => {
    const queue = uniqueName('rc-burst');
    await fill(queue, 20);
    const handled: { body: string; redelivered: boolean }[] = [];
    const errors: unknown[] = [];
    let failed = false;
    const c = createBurstConsumer(conn, {
      queue: { queue },
      prefetch: 5,
      handle: async (messages) => {
        if (!failed) {
          failed = true;
          throw new Error('store down');
        }
        handled.push(...messages.map((m) => ({ body: String(m.body), redelivered: m.redelivered })));
      },
      onError: (err) => errors.push(err),
    });
    await c.ready;
    await waitUntil(
      async () => new Set(handled.map((h) => h.body)).size,
      (n) => n >= 20,
      10_000,
      '20 distinct messages',
    );
    await c.close();
    expect(errors.map((e) => (e as Error).message)).toEqual(['store down']);
    expect(new Set(handled.map((h) => h.body))).toEqual(new Set(Array.from({ length: 20 }, (_, i) => `m${i}`)));
    expect(handled.length).toBe(20);
    expect(handled.some((h) => h.redelivered)).toBe(true);
    expect(await depth(queue)).toBe(0);
    await conn.queueDelete({ queue });
  });

  it('says so when the broker cancels it (its queue deleted), and consumes the queue declared again', async () => {
    const queue = uniqueName('rc-burst');
    await fill(queue, 3);
    const seen: string[] = [];
    const errors: string[] = [];
    const c = createBurstConsumer(conn, {
      queue: { queue },
      prefetch: 10,
      handle: async (messages) => {
        seen.push(...messages.map((m) => String(m.body)));
      },
      onError: (err) => errors.push((err as Error).message),
    });
    await c.ready;
    await waitUntil(
      async () => seen.length,
      (n) => n >= 3,
      10_000,
      'the first 3',
    );
    await conn.queueDelete({ queue });
    await waitUntil(
      async () => errors,
      (e) => e.some((m) => m.includes('cancelled the consumer')),
      10_000,
      'the cancel reported',
    );
    // set up again after its backoff: the queue exists again, and what is published to it is read
    await waitUntil(
      async () => (await conn.queueDeclare({ queue, passive: true }).catch(() => undefined)) !== undefined,
      (declared) => declared,
      10_000,
      'the queue declared again',
    );
    await fill(queue, 2);
    await waitUntil(
      async () => seen.length,
      (n) => n >= 5,
      10_000,
      'the 2 published after',
    );
    await c.close();
    expect(seen).toEqual(['m0', 'm1', 'm2', 'm0', 'm1']);
    await conn.queueDelete({ queue });
  });
});
