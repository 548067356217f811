// The alert history queries against the real engine: an alert's state after a restart is its latest transition.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@rollcall/core/config';
import { openStore, type Store } from '@rollcall/core/store';
import { tempDir } from '@rollcall/core/testing/brokers';
import {
  insertTransitions,
  latestTransitions,
  statusOf,
  transitionId,
  type Transition,
} from '../../src/alerts/alert-store.ts';

let store: Store;
beforeAll(async () => {
  store = await openStore(parseConfig('', 'test', { ROLLCALL_DATA_DIR: tempDir('rollcall-alert-store') }).clickhouse);
});
afterAll(async () => {
  await store.close();
});

const T0 = Date.parse('2026-11-23T10:00:00Z');
const t = (fingerprint: string, to: Transition['to_state'], at: number): Transition => ({
  id: transitionId(fingerprint, to, at),
  at,
  fingerprint,
  rule_id: fingerprint,
  rule_type: 'volume',
  description: '',
  severity: 'warning',
  labels: {},
  stream: 's',
  from_state: 'inactive',
  to_state: to,
  active_at: T0,
  firing_at: to === 'firing' ? at : null,
  value: 1,
  threshold: 2,
  expected: '',
  summary: '',
  details: '{}',
  routes: [],
});

describe('latestTransitions', () => {
  it("returns each alert's newest transition, which is what a restarted engine resumes from", async () => {
    await insertTransitions(store, [
      t('a', 'pending', T0),
      t('a', 'firing', T0 + 60_000),
      t('b', 'firing', T0),
      t('b', 'resolved', T0 + 120_000),
    ]);
    const latest = await latestTransitions(store);
    expect(latest.map((x) => [x.fingerprint, x.to_state, x.at])).toEqual([
      ['a', 'firing', T0 + 60_000],
      ['b', 'resolved', T0 + 120_000],
    ]);
    expect(statusOf(latest[0] as Transition)).toEqual({ state: 'firing', activeAt: T0, firingAt: T0 + 60_000 });
  });
});
