// The lag rule over the lag sampler's status rows in the real engine: the newest round in the window decides
// per group; thresholds on messages, seconds and statuses; group globs; no samples means no judgement.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@rollcall/core/config';
import { chTime, openStore, type Store } from '@rollcall/core/store';
import { tempDir } from '@rollcall/core/testing/brokers';
import { evaluateRule } from '../../src/evaluation/evaluate-rule.ts';
import { ruleSchema } from '../../src/model/rule.ts';

let store: Store;
const T0 = Date.parse('2026-11-23T10:00:00Z');

beforeAll(async () => {
  store = await openStore(parseConfig('', 'test', { ROLLCALL_DATA_DIR: tempDir('rollcall-lag-rule') }).clickhouse);
  const status = (at: number, group: string, lag: number, secs: number, st: string, broker = 'kafka') => ({
    at: chTime(at),
    broker,
    cluster: 'local',
    group_name: group,
    status: st,
    reason: `${st} because`,
    lag,
    lag_seconds: secs,
    consumers: 1,
    streams: ['t'],
    state: 'Stable',
  });
  await store.client.insert({
    table: `${store.db}.lag_status`,
    format: 'JSONEachRow',
    values: [
      status(T0 + 10_000, 'fraud-scorer', 100, 2, 'OK'),
      status(T0 + 20_000, 'fraud-scorer', 900, 20, 'WARN'),
      status(T0 + 30_000, 'fraud-scorer', 5000, 95, 'STOP'),
      status(T0 + 30_000, 'fraud-audit', 10, 1, 'OK'),
      status(T0 + 30_000, 'fraud.card-authorizations', 40, 0, 'OK', 'rabbitmq'),
    ],
  });
});
afterAll(async () => {
  await store.close();
});

const rule = (over: Record<string, unknown>) =>
  ruleSchema.parse({ id: 'lag', type: 'lag', consumer: { broker: 'kafka', group: 'fraud-*' }, window: '1m', ...over });
const window = { start: T0, end: T0 + 60_000 };

describe('lag rule', () => {
  it('breaches on the newest round of the worst group and names it', async () => {
    const e = await evaluateRule(store, rule({ max_messages: 1000 }), window);
    expect(e).toMatchObject({ breached: true, value: 5000, threshold: 1000 });
    expect(e.summary).toBe('kafka fraud-scorer: 5,000 messages behind (> 1,000)');
  });

  it('judges only the rounds inside the window', async () => {
    const early = await evaluateRule(store, rule({ max_messages: 1000 }), { start: T0, end: T0 + 20_000 });
    expect(early).toMatchObject({ breached: false, value: 900 });
  });

  it('breaches on seconds behind and on a status', async () => {
    expect(await evaluateRule(store, rule({ max_seconds: 60 }), window)).toMatchObject({
      breached: true,
      value: 95,
      threshold: 60,
    });
    const stopped = await evaluateRule(store, rule({ statuses: ['STOP'] }), window);
    expect(stopped.breached).toBe(true);
    expect(stopped.summary).toBe('kafka fraud-scorer: STOP: STOP because');
    expect((await evaluateRule(store, rule({ statuses: ['STALL'] }), window)).breached).toBe(false);
  });

  it('keeps to its broker and glob, and skips when nothing was sampled', async () => {
    const queue = await evaluateRule(
      store,
      rule({ consumer: { broker: 'rabbitmq', group: 'fraud.*' }, max_messages: 10 }),
      window,
    );
    expect(queue).toMatchObject({ breached: true, value: 40 });
    const none = await evaluateRule(store, rule({ consumer: { group: 'orders-*' }, max_messages: 1 }), window);
    expect(none.skipped).toBe('no lag samples');
    expect(none.breached).toBe(false);
  });

  it('refuses a lag rule with nothing to compare', () => {
    expect(ruleSchema.safeParse({ id: 'x', type: 'lag', consumer: { group: 'g' } }).success).toBe(false);
  });
});
