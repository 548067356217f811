import { describe, expect, it } from 'vitest';
import { createLogger } from '@rollcall/core/log';
import { createTapHealth } from '@rollcall/core/tap-health';
import { ManagementError, type Management, type QueueCounters } from './management.ts';
import { createTracingWatch, missingBetween, type Reading } from './tracing-watch.ts';

const reading = (r: Partial<Reading> = {}): Reading => ({
  at: 0,
  publish: 0,
  deliverGet: 0,
  traceQueues: {},
  tapMessages: 0,
  tapAck: 0,
  overflowMessages: 0,
  overflowAck: 0,
  ...r,
});

describe('missingBetween', () => {
  it('is what was published or delivered minus what reached the tap queues', () => {
    const from = reading({ publish: 100, deliverGet: 50, traceQueues: { tap: 40 }, tapAck: 90, tapMessages: 20 });
    // 60 publishes and 20 deliveries to consumers; the tap read 30 trace messages (not traced themselves);
    // 10 reached the overflow queue and the rest are gone.
    const to = reading({
      publish: 160,
      deliverGet: 100,
      traceQueues: { tap: 70 },
      tapAck: 120,
      tapMessages: 30,
      overflowMessages: 10,
    });
    expect(missingBetween(from, to)).toBe(60 + 20 - (30 + 10 + 10));
    // Tracing publishes only, the 20 deliveries are not expected in the tap queue: 60 − 50 are missing.
    expect(missingBetween(from, to, true)).toBe(60 - (30 + 10 + 10));
  });
  it('gives up when a counter went back', () => {
    expect(missingBetween(reading({ publish: 10 }), reading({ publish: 3 }))).toBeUndefined();
    expect(missingBetween(reading({ tapAck: 10 }), reading({ tapAck: 3 }))).toBeUndefined();
  });
});

/** A broker whose counters the test sets; tracing turned on only when `admin`. */
function fakeBroker(admin: boolean) {
  const state = {
    tracing: true,
    publish: 0,
    deliverGet: 0,
    tap: { messages: 0, ack: 0, deliverGet: 0 } as QueueCounters,
    overflow: { messages: 0, ack: 0, deliverGet: 0 } as QueueCounters,
    saved: undefined as unknown,
  };
  const refuse = () => Promise.reject(new ManagementError('answered 401 (the user needs the administrator tag)', 401));
  const management: Management = {
    tracing: async () => state.tracing,
    setTracing: async (_v, on) => (admin ? void (state.tracing = on) : refuse()),
    vhostCounters: async () => ({ tracing: state.tracing, publish: state.publish, deliverGet: state.deliverGet }),
    traceQueues: async () => ['t'],
    queueCounters: async (_v, q) => ({ ...(q === 't' ? state.tap : state.overflow) }),
    globalParameter: async () => state.saved,
    globalParameters: async () => [],
    setGlobalParameter: async (_n, value) => void (state.saved = value),
    deleteGlobalParameter: async () => {},
    nodesBootedAt: async () => ({ rabbit: 0 }),
    queueDepth: async () => 0,
    queueStats: async () => [],
    queueDeliveries: async () => [],
    queueBindings: async () => [],
    connections: async () => [],
  };
  return { state, management };
}

function setup(admin: boolean, publishesOnly = false) {
  let clock = 1_000_000;
  const { state, management } = fakeBroker(admin);
  const lines: string[] = [];
  const health = createTapHealth({ now: () => clock });
  const watch = createTracingWatch({
    vhost: 'v',
    cluster: 'c',
    tapQueue: 't',
    maxLength: 1000,
    management,
    log: createLogger('debug', {}, (l) => lines.push(l)),
    health,
    now: () => clock,
    intervalMs: 0,
    publishesOnly,
  });
  const tick = async (ms = 5_000) => {
    clock += ms;
    await watch.check();
  };
  const ticks = async (n: number) => {
    for (let i = 0; i < n; i++) await tick();
  };
  const check = () => health.checks().find((c) => c.tap === 'rabbitmq/v');
  return { state, watch, lines, tick, ticks, check };
}

/** A watch started on quiet counters, checked twice: its base is exact. */
async function started(admin: boolean, publishesOnly = false) {
  const watched = setup(admin, publishesOnly);
  await watched.watch.start();
  await watched.ticks(2);
  return watched;
}

describe('tracing watch', () => {
  it('turns tracing back on and reports what was not traced meanwhile, once the counters are quiet', async () => {
    const { state, lines, tick, check } = await started(true);
    state.tracing = false;
    state.publish += 40; // published while off: never traced
    await tick();
    expect(state.tracing).toBe(true);
    expect(lines.join('\n')).toContain('turned it back on');
    state.publish += 10;
    state.tap.messages += 10; // traced again
    await tick();
    expect(check()?.lost).toBe(0); // not quiet yet
    await tick();
    await tick();
    expect(check()?.lost).toBe(40);
    expect(check()?.up).toBe(true);
    expect(lines.join('\n')).toContain('"lost":40,"exact":true');
  });

  it('tracing publishes only, does not take the deliveries meanwhile for lost trace messages', async () => {
    const { state, tick, ticks, check } = await started(true, true);
    state.tracing = false;
    state.publish += 40;
    state.deliverGet += 40; // consumed while off: the tap queue never gets delivery traces in this mode
    await tick();
    state.publish += 10;
    state.deliverGet += 10;
    state.tap.messages += 10;
    await ticks(3);
    expect(check()?.lost).toBe(40);
  });

  it('stays down and says so when it may not turn tracing on; a number only once tracing is back', async () => {
    const { state, lines, tick, ticks, check } = await started(false);
    state.tracing = false;
    await tick();
    expect(check()).toMatchObject({ up: false, reason: 'firehose off: tracing is off for vhost "v"' });
    expect(lines.filter((l) => l.includes('could not turn it on'))).toHaveLength(1);
    state.publish += 25;
    await ticks(3);
    expect(check()?.lost).toBe(0);
    expect(lines.filter((l) => l.includes('could not turn it on'))).toHaveLength(1);
    state.tracing = true;
    await ticks(3);
    expect(check()).toMatchObject({ up: true, lost: 25 });
  });

  it('reports approximately when traffic never pauses after a gap', async () => {
    const { state, lines, tick, check } = await started(true);
    state.tracing = false;
    state.publish += 30;
    await tick();
    for (let i = 0; i < 13; i++) {
      state.publish += 5;
      state.tap.messages += 5;
      await tick();
    }
    expect(check()?.lost).toBe(30);
    expect(lines.join('\n')).toContain('about 30 trace messages');
  });

  it('counts drops while Rollcall was stopped from the counters it saved', async () => {
    const first = await started(true);
    await first.watch.stop();
    const second = setup(true);
    second.state.saved = first.state.saved;
    second.state.publish = 5000;
    second.state.tap.messages = 1000;
    second.state.overflow.messages = 1000;
    await second.watch.start();
    expect(second.check()?.up).toBe(false); // the overflow queue is full
    // The tap stores both queues; its reads of the tap queue (bound to the firehose) are not traced.
    second.state.tap = { messages: 0, ack: 1000, deliverGet: 1000 };
    second.state.overflow = { messages: 0, ack: 1000, deliverGet: 0 };
    second.state.deliverGet = 1000;
    await second.ticks(3);
    expect(second.check()).toMatchObject({ up: true, lost: 3000 });
  });

  it('starts over without reporting when a counter stays lower (a restart), after waiting to be sure', async () => {
    const { state, watch, lines, ticks, check } = setup(true);
    state.publish = 500;
    state.tap.ack = 500;
    await watch.start();
    state.tap.ack = 0; // the tap queue was deleted and declared again
    await ticks(3);
    expect(lines.join('\n')).not.toContain('counters went back');
    await ticks(5); // 40 s lower: it started over
    expect(check()?.lost).toBe(0);
    expect(lines.join('\n')).toContain('counters went back');
  });

  it('still reports the drops while Rollcall was stopped when a total dips for a reading after the restart', async () => {
    const first = await started(true);
    first.state.tap = { messages: 0, ack: 800, deliverGet: 800 };
    first.state.publish = 800;
    first.state.deliverGet = 800; // the vhost's deliveries include the tap's own
    await first.ticks(3);
    await first.watch.stop();
    const second = setup(true);
    second.state.saved = first.state.saved;
    second.state.publish = 5800;
    // the management database dropped the old consumer channel's share of the tap queue's ack for a moment
    second.state.tap = { messages: 1000, ack: 0, deliverGet: 0 };
    second.state.overflow.messages = 1000;
    await second.watch.start();
    await second.ticks(1);
    second.state.tap = { messages: 0, ack: 1800, deliverGet: 1800 };
    second.state.overflow = { messages: 0, ack: 1000, deliverGet: 0 };
    second.state.deliverGet = 1800;
    await second.ticks(3);
    expect(second.check()).toMatchObject({ up: true, lost: 3000 });
  });
});
