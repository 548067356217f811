// Coverage against the real engine and store: a window whose tap is behind waits and is judged once the tap has
// stored past it; a window with a stretch nobody watched neither fires nor resolves an alert.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@rollcall/core/config';
import { silentLogger } from '@rollcall/core/log';
import { openStore, type Store } from '@rollcall/core/store';
import { HEARTBEAT_MS, insertHeartbeats } from '@rollcall/core/store/coverage';
import { queryRows } from '@rollcall/core/store/queries';
import { tempDir } from '@rollcall/core/testing/brokers';
import { backtest } from '../../src/evaluation/backtest.ts';
import { createRuleEngine, type RuleEngine } from '../../src/evaluation/engine.ts';
import { fixedRuleFiles, parseRuleFile } from '../../src/model/files.ts';
import type { Rule } from '../../src/model/rule.ts';
import { insertMinutes, minuteRow } from '../confidence/traffic.ts';

const MINUTE = 60_000;
const T0 = Date.parse('2026-12-01T10:00:00Z');

const floorRule = (id: string): Rule => {
  const [rule] = parseRuleFile(
    `rules:
  - id: ${id}
    type: volume
    match: { broker: kafka, stream: ${id} }
    min: 10
    window: 1m
    every: 1m
    delay: 5s
    for: 0s
`,
    `${id}.yaml`,
  );
  if (!rule) throw new Error('no rule');
  return rule;
};

describe('rule windows and tap coverage', () => {
  let store: Store;
  let clock = T0;
  const engine = (rules: Rule[]): RuleEngine =>
    createRuleEngine({ store, log: silentLogger, files: fixedRuleFiles(rules), now: () => clock, coverage: true });
  /** Heartbeats of the kafka tap every HEARTBEAT_MS over [from, to), up, with the watermark `lag` behind. */
  const beats = (from: number, to: number, lag = 0, up = true) => {
    const out = [];
    for (let at = from; at < to; at += HEARTBEAT_MS)
      out.push({ tap: 'kafka', at, up, watermark: at - lag, reason: up ? '' : 'consumer crashed' });
    return insertHeartbeats(store, out);
  };
  const events = (stream: string, minute: number, n: number) => insertMinutes(store, [minuteRow(stream, minute, n)]);
  const evaluations = (rule: string) =>
    queryRows<{ window_end: string; breached: number; skipped: string }>(
      store,
      `SELECT toUnixTimestamp64Milli(window_end) AS window_end, breached, skipped FROM ${store.db}.rule_evaluations WHERE rule_id = {rule:String} ORDER BY window_end`,
      { rule },
    );

  beforeAll(async () => {
    store = await openStore(parseConfig('', 'test', { ROLLCALL_DATA_DIR: tempDir('rollcall-coverage') }).clickhouse);
  });
  afterAll(() => store?.close());

  it('waits while the tap is behind, then judges the same window', async () => {
    const rule = floorRule('behind');
    await events('behind', T0, 50);
    // The tap runs, but has stored only up to 40 s before each heartbeat.
    await beats(T0 - 2 * MINUTE, T0 + MINUTE + 30_000, 40_000);
    clock = T0 + MINUTE + 10_000; // the window [T0, T0+1m) is due (delay 5 s), but the tap's watermark is at T0+50s
    const e = engine([rule]);
    await e.tick();
    expect(await evaluations('behind')).toEqual([]);
    expect(e.statuses()[0]?.waiting?.reason).toMatch(/kafka has stored everything up to/);
    // The tap catches up: the same window is judged (its events were stored late but counted in their minute).
    await beats(T0 + MINUTE + 30_000, T0 + MINUTE + 50_000, 0);
    clock = T0 + MINUTE + 45_000;
    await e.tick();
    const judged = await evaluations('behind');
    expect(judged.map((j) => [Number(j.window_end), Number(j.breached), j.skipped])).toEqual([[T0 + MINUTE, 0, '']]);
  });

  it('records the windows it passed over when it fell too far behind, as one row not judged', async () => {
    const rule = floorRule('skipped');
    const T = T0 + 24 * 60 * MINUTE; // a day on: the other cases' heartbeats and gaps are theirs
    await beats(T - 2 * MINUTE, T + 20 * MINUTE, 0);
    clock = T + MINUTE + 10_000;
    const e = engine([rule]);
    await e.tick();
    // fifteen minutes without a tick (a stalled process): more than ten windows behind, so it goes on from the latest
    clock = T + 16 * MINUTE + 10_000;
    await e.tick();
    const rows = await evaluations('skipped');
    expect(rows.map((r) => [Number(r.window_end), r.skipped.replace(/,.*/, '')])).toEqual([
      [T + MINUTE, ''],
      [T + 15 * MINUTE, 'skipped: 14 windows not judged'],
      [T + 16 * MINUTE, ''],
    ]);
    // the skipped row spans the windows passed over, from the first one's start
    const [span] = await queryRows<{ start: string }>(
      store,
      `SELECT toUnixTimestamp64Milli(window_start) AS start FROM ${store.db}.rule_evaluations WHERE rule_id = 'skipped' AND skipped != ''`,
      {},
    );
    expect(Number(span?.start)).toBe(T + MINUTE);
    // the next tick judges the next window, with no stretch skipped
    clock = T + 17 * MINUTE + 10_000;
    await e.tick();
    expect((await evaluations('skipped')).length).toBe(4);
  });

  it('does not fire on a window nobody watched, and does not resolve on one either', async () => {
    const rule = floorRule('gap');
    const start = T0 + 10 * MINUTE;
    // Heartbeats until start+20s, none for 90 s (collector frozen), then again; no events at all.
    await beats(start - 2 * MINUTE, start + 20_000);
    await beats(start + 110_000, start + 4 * MINUTE);
    const e = engine([rule]);
    clock = start + MINUTE + 10_000; // window [start, start+1m): not watched
    await e.tick();
    expect(e.statuses()[0]?.status.state).toBe('inactive');
    clock = start + 2 * MINUTE + 10_000; // window [start+1m, start+2m): the gap ended at start+110s, still inside
    await e.tick();
    expect(e.statuses()[0]?.status.state).toBe('inactive');
    clock = start + 3 * MINUTE + 10_000; // window [start+2m, start+3m): watched, empty: fires
    await e.tick();
    expect(e.statuses()[0]?.status.state).toBe('firing');
    const judged = await evaluations('gap');
    expect(judged.map((j) => j.skipped.replace(/:.*/, ''))).toEqual(['not watched', 'not watched', '']);
    expect(judged[0]?.skipped).toMatch(/was not running for \d+ s/);

    // The tap crashes: its heartbeats say down. The window is not watched, so the alert keeps firing.
    await beats(start + 4 * MINUTE, start + 5 * MINUTE + 30_000, 0, false);
    await events('gap', start + 4 * MINUTE, 100);
    clock = start + 5 * MINUTE + 10_000;
    await e.tick(); // [start+3m, start+4m): watched, still empty
    await e.tick();
    clock = start + 5 * MINUTE + 20_000;
    await e.tick(); // [start+4m, start+5m): 100 events, but the tap was down: no resolve
    expect(e.statuses()[0]?.status.state).toBe('firing');
    expect((await evaluations('gap')).at(-1)?.skipped).toMatch(
      /^not watched: kafka was not watching during the window: consumer crashed/,
    );
  });

  it('backtests show each window as breached, clean, waiting or not watched', async () => {
    const rule = floorRule('history');
    const start = T0 + 30 * MINUTE;
    await beats(start - 2 * MINUTE, start + 2 * MINUTE + 10_000); // watched for two minutes (and the 5 s delay)
    await beats(start + 2 * MINUTE + 10_000, start + 3 * MINUTE, 0, false); // then down for 50 s
    await beats(start + 3 * MINUTE, start + 5 * MINUTE + 10_000, 50_000); // then up, but 50 s behind
    await events('history', start + MINUTE, 30);
    await events('history', start + 4 * MINUTE, 30);
    const { steps } = await backtest(store, rule, start + MINUTE, start + 5 * MINUTE, {
      coverage: true,
      now: start + 5 * MINUTE + 10_000,
    });
    expect(steps.map((s) => [s.window.end - start, s.decision])).toEqual([
      [MINUTE, 'breached'],
      [2 * MINUTE, 'clean'],
      [3 * MINUTE, 'not watched'],
      [4 * MINUTE, 'breached'],
      [5 * MINUTE, 'waiting'],
    ]);
  });

  it('does not judge a rule whose broker is tapped before its tap has reported at all (start-up)', async () => {
    // Only the kafka tap has written heartbeats in this store; RabbitMQ is tapped but has not reported yet.
    const [rule] = parseRuleFile(
      `rules:\n  - { id: startup, type: volume, match: { broker: rabbitmq, stream: cards }, min: 10, window: 1m, every: 1m, delay: 5s }\n`,
      'startup.yaml',
    );
    if (!rule) throw new Error('no rule');
    const e = createRuleEngine({
      store,
      log: silentLogger,
      files: fixedRuleFiles([rule]),
      now: () => T0 + MINUTE + 10_000,
      coverage: true,
      tapped: ['kafka', 'rabbitmq'],
    });
    await e.tick();
    expect(e.statuses()[0]?.status.state).toBe('inactive');
    expect(e.statuses()[0]?.last?.evaluation?.skipped).toBe('not watched: the rabbitmq tap has not reported yet');
  });
});
