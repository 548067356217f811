// Late events against the real engine and store: events stored after their window was judged, with an event time
// inside it, make the engine judge that window again before the next one, and the new verdict moves the alert.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '@rollcall/core/log';
import { queryRows } from '@rollcall/core/store/queries';
import { numberedRow } from '@rollcall/core/testing/event-row';
import { embeddedStore } from '@rollcall/core/testing/store';
import { createRuleEngine } from '../../src/evaluation/engine.ts';
import { parseRuleFile, type RuleFiles } from '../../src/model/files.ts';

const MINUTE = 60_000;
const T0 = Date.parse('2026-12-02T10:00:00Z');

const [floor] = parseRuleFile(
  `rules:
  - id: late-floor
    type: volume
    match: { broker: kafka, stream: late }
    min: 10
    window: 1m
    every: 1m
    delay: 5s
    for: 5m
`,
  'late.yaml',
);

const files: RuleFiles = {
  rules: () => (floor ? [floor] : []),
  files: () => [],
  reload: () => false,
  start: () => {},
  stop: () => {},
};

/** An event that happened at `eventAt` and was stored at `storedAt`. */
const event = (offset: number, eventAt: number, storedAt: number) =>
  numberedRow(offset, storedAt, { broker_ts: eventAt, stream: 'late', event_type: 'E', source: 's' });

describe('late events', () => {
  const db = embeddedStore('rollcall-late');

  it('judge their window again, and its new verdict moves the alert', async () => {
    const { store } = db;
    let clock = T0 + MINUTE + 10_000;
    const engine = createRuleEngine({ store, log: silentLogger, files, now: () => clock });
    // 4 events in [T0, T0+1m), stored on time: the window is judged short of its floor, the alert pending.
    await store.insertEvents(
      [0, 1, 2, 3].map((i) => event(i, T0 + i * 10_000, T0 + i * 10_000 + 200)),
      'on-time',
      1,
    );
    await engine.tick();
    expect(engine.statuses()[0]?.status.state).toBe('pending');

    // 8 more events of that minute are stored 30 s after it was judged (a producer that buffered them).
    await store.insertEvents(
      Array.from({ length: 8 }, (_, i) => event(10 + i, T0 + 5_000 + i * 5_000, T0 + MINUTE + 40_000)),
      'late',
      2,
    );
    clock = T0 + 2 * MINUTE + 10_000; // the next window is due: the previous one gets its second look first
    await engine.tick();
    const status = engine.statuses()[0];
    expect(status?.status.state).toBe('inactive');
    expect(status?.last?.window).toEqual({ start: T0, end: T0 + MINUTE });
    expect(status?.last?.evaluation?.value).toBe(12);
    expect(status?.last?.evaluation?.details).toMatchObject({ late_events: 8 });
    expect(status?.last?.evaluation?.summary).toContain('judged again: 8 late events');

    // The window after it is judged on the next tick (empty: the alert goes pending again), and the re-judged
    // window is not looked at a third time.
    await engine.tick();
    expect(engine.statuses()[0]?.last?.window).toEqual({ start: T0 + MINUTE, end: T0 + 2 * MINUTE });
    const rows = await queryRows<{ end: string; value: number; breached: number }>(
      store,
      `SELECT toUnixTimestamp64Milli(window_end) AS end, value, breached FROM ${store.db}.rule_evaluations WHERE rule_id = 'late-floor' ORDER BY at, window_end`,
      {},
    );
    expect(rows.map((r) => [Number(r.end), Number(r.value), Number(r.breached)])).toEqual([
      [T0 + MINUTE, 4, 1],
      [T0 + MINUTE, 12, 0],
      [T0 + 2 * MINUTE, 0, 1],
    ]);
    const transitions = await queryRows<{ to_state: string; summary: string }>(
      store,
      `SELECT to_state, summary FROM ${store.db}.alert_transitions WHERE rule_id = 'late-floor' ORDER BY at`,
      {},
    );
    expect(transitions.map((t) => t.to_state)).toEqual(['pending', 'inactive', 'pending']);
    expect(transitions[1]?.summary).toContain('8 late events');
  });
});
