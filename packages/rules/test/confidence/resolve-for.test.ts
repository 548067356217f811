// resolve_for against the real engine and store: a firing alert does not resolve on one clean window between bad
// ones, and windows the engine skips (too few events) neither count towards resolving nor reset it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@rollcall/core/config';
import { silentLogger } from '@rollcall/core/log';
import { openStore, type Store } from '@rollcall/core/store';
import { queryRows } from '@rollcall/core/store/queries';
import { tempDir } from '@rollcall/core/testing/brokers';
import { createRuleEngine } from '../../src/evaluation/engine.ts';
import { fixedRuleFiles } from '../../src/model/files.ts';
import { MINUTE, ratioRule, writePairs } from './traffic.ts';

const T0 = Date.parse('2027-03-01T10:00:00Z');
// a, b per minute: bad, clean, bad, clean, too few to judge, clean, clean
const MINUTES: [number, number][] = [
  [100, 50],
  [100, 100],
  [100, 50],
  [100, 100],
  [5, 5],
  [100, 100],
  [100, 100],
];

describe('resolve_for', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore(parseConfig('', 'test', { ROLLCALL_DATA_DIR: tempDir('rollcall-resolve-for') }).clickhouse);
  });
  afterAll(() => store?.close());

  /** Runs the minutes through the engine for a rule on its own streams; the alert's state after each window. */
  const run = async (id: string, extra: string) => {
    await writePairs(store, id, T0, MINUTES, 0);
    const rules = [ratioRule(id, `\n    min_count: 20${extra}`)];
    let clock = T0;
    const engine = createRuleEngine({ store, log: silentLogger, files: fixedRuleFiles(rules), now: () => clock });
    const states: string[] = [];
    for (let i = 0; i < MINUTES.length; i++) {
      clock = T0 + (i + 1) * MINUTE + 1000;
      await engine.tick();
      states.push(engine.statuses()[0]?.status.state ?? '');
    }
    const stored = await queryRows<{ to_state: string; at: string }>(
      store,
      `SELECT to_state, toUnixTimestamp64Milli(at) AS at FROM ${store.db}.alert_transitions WHERE rule_id = {id:String} ORDER BY at`,
      { id },
    );
    return { states, transitions: stored.map((t) => [t.to_state, Math.floor((Number(t.at) - T0) / MINUTE)]) };
  };

  it('holds a firing alert through one clean window, and through a skipped one', async () => {
    // default: two clean judged windows (2 × every)
    const { states, transitions } = await run('held', '');
    expect(states).toEqual(['firing', 'firing', 'firing', 'firing', 'firing', 'inactive', 'inactive']);
    // fired once, resolved once: at the second clean window after the last bad one, the skipped one between
    expect(transitions).toEqual([
      ['firing', 1],
      ['resolved', 6],
    ]);
  });

  it('resolves on the first clean window with resolve_for: 0s, and so flaps', async () => {
    const { transitions } = await run('flapping', '\n    resolve_for: 0s');
    expect(transitions).toEqual([
      ['firing', 1],
      ['resolved', 2],
      ['firing', 3],
      ['resolved', 4],
    ]);
  });
});
