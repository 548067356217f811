// Slices against the real engine and store: one rule with group_by watches every value of a dimension, fires
// for the one slice that dropped (and names it) while the total moves too little to matter, stays quiet on
// noise, is bounded by max_groups, and treats a slice that vanished as a breach, not as gone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@rollcall/core/config';
import type { EventRow } from '@rollcall/core/event';
import { silentLogger } from '@rollcall/core/log';
import { chTime, openStore, type Store } from '@rollcall/core/store';
import { queryRows } from '@rollcall/core/store/queries';
import { tempDir } from '@rollcall/core/testing/brokers';
import { numberedRow } from '@rollcall/core/testing/event-row';
import { createRuleEngine, type RuleEngine } from '../../src/evaluation/engine.ts';
import { parseRuleFile, type RuleFiles } from '../../src/model/files.ts';
import type { Rule } from '../../src/model/rule.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
const T0 = Date.parse('2026-12-07T12:00:00Z');

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

const rulesOf = (yaml: string): Rule[] => parseRuleFile(`rules:\n${yaml}`, 'slices.yaml');

let store: Store;
beforeAll(async () => {
  store = await openStore(parseConfig('', 'test', { ROLLCALL_DATA_DIR: tempDir('rollcall-slices') }).clickhouse);
});
afterAll(() => store?.close());

type Row = { stream: string; minute: number; count: number; source?: string; event_type?: string };
const insert = (rows: Row[]) =>
  store.client.insert({
    table: `${store.db}.events_per_minute`,
    values: rows.map((r) => ({
      minute: chTime(r.minute).slice(0, 19),
      broker: 'kafka',
      cluster: 'local',
      stream: r.stream,
      kind: 'publish',
      event_type: r.event_type ?? 'E',
      source: r.source ?? 's',
      count: r.count,
      bytes: r.count,
      last_seen: chTime(r.minute),
    })),
    format: 'JSONEachRow',
  });

/** An engine over `rules()` (which a test may swap), ticked once a minute from `from` to `to` by its clock. */
function driver(rules: () => Rule[]) {
  let clock = 0;
  const files: RuleFiles = { rules, files: () => [], reload: () => false, start: () => {}, stop: () => {} };
  const engine: RuleEngine = createRuleEngine({ store, log: silentLogger, files, now: () => clock });
  return {
    engine,
    async run(from: number, to: number) {
      for (clock = from; clock <= to; clock += MINUTE) await engine.tick();
    },
  };
}

/** A RabbitMQ publish stored as the tap sees it (broker time = observed time), the `offset`th of its test. */
const rabbitPublish = (offset: number, at: number, over: Partial<EventRow>): EventRow =>
  numberedRow(offset, at, { broker_ts: at, broker: 'rabbitmq', ...over });

const transitions = (rule: string) =>
  queryRows<{ to_state: string; labels: Record<string, string>; summary: string; at: string }>(
    store,
    `SELECT to_state, labels, summary, toUnixTimestamp64Milli(at) AS at FROM ${store.db}.alert_transitions WHERE rule_id = {rule:String} ORDER BY at, to_state`,
    { rule },
  );

describe('group_by', () => {
  // Four card networks: visa 40%, mastercard 30%, amex 20%, discover 10% of 1000/min, ±10% a minute, for five
  // days. Today at T0 visa drops by 40%: the total drops by 16%.
  const SHARES = { visa: 0.4, mastercard: 0.3, amex: 0.2, discover: 0.1 };
  const baseline = (id: string, extra = '') => `  - id: ${id}
    type: baseline
    match: { broker: kafka, stream: auths }
    season: day
    seasons: 4
    min_history: 3
    drop: 25
    window: 5m
    every: 1m
    delay: 0s
${extra}`;

  beforeAll(async () => {
    const next = random(11);
    const rows: Row[] = [];
    for (let day = 4; day >= 0; day--) {
      for (let t = T0 - day * DAY - 40 * MINUTE; t < T0 - day * DAY + 20 * MINUTE; t += MINUTE) {
        for (const [source, share] of Object.entries(SHARES)) {
          const drop = day === 0 && source === 'visa' && t >= T0 ? 0.6 : 1;
          rows.push({
            stream: 'auths',
            minute: t,
            source,
            count: Math.round(1000 * share * drop * (0.9 + 0.2 * next())),
          });
        }
      }
    }
    await insert(rows);
  });

  it('fires for the one slice of four that dropped, names it, and not for the total or the noise', async () => {
    const rules = rulesOf(baseline('auths-total') + baseline('auths-by-network', '    group_by: source\n'));
    const d = driver(() => rules);
    await d.run(T0 - 30 * MINUTE, T0 + 10 * MINUTE);

    // The total moved 16%, inside its 25% drop bound: nothing.
    expect(await transitions('auths-total')).toEqual([]);
    const sliced = await transitions('auths-by-network');
    // 30 minutes of jittered traffic before the drop raised nothing; then visa alone fired.
    expect(sliced.map((t) => [t.to_state, t.labels.source])).toEqual([['firing', 'visa']]);
    expect(Number(sliced[0]?.at)).toBeGreaterThanOrEqual(T0 + 3 * MINUTE);
    expect(Number(sliced[0]?.at)).toBeLessThanOrEqual(T0 + 5 * MINUTE);
    expect(sliced[0]?.summary).toMatch(/source=visa: \d+ per 5m, -\d+(\.\d)?% against the usual \d+/);
    expect(sliced[0]?.labels).toMatchObject({ rule_id: 'auths-by-network', source: 'visa' });

    const status = d.engine.statuses().find((s) => s.rule.id === 'auths-by-network');
    expect(status?.status.state).toBe('firing');
    expect(status?.slices?.map((s) => s.labels.source)).toEqual(['visa']);
    // The rule's row per window and one row per slice, under "<rule>/source=<value>".
    const rows = await queryRows<{ rule_id: string; n: string }>(
      store,
      `SELECT rule_id, count() AS n FROM ${store.db}.rule_evaluations WHERE startsWith(rule_id, 'auths-by-network') GROUP BY rule_id ORDER BY rule_id`,
      {},
    );
    expect(rows.map((r) => [r.rule_id, Number(r.n)])).toEqual(
      [
        'auths-by-network',
        'auths-by-network/source=amex',
        'auths-by-network/source=discover',
        'auths-by-network/source=mastercard',
        'auths-by-network/source=visa',
      ].map((id) => [id, 41]),
    );
  });

  it('judges ratio slices on both sides by the same key', async () => {
    // Requests and authorizations per network; authorizations for visa (20% of the traffic) drop by 40%, so the
    // total ratio is 0.92, inside [0.9, 1.1].
    const shares = { visa: 0.2, mastercard: 0.4, amex: 0.3, discover: 0.1 };
    const rows: Row[] = [];
    for (let t = T0 - 10 * MINUTE; t < T0 + 5 * MINUTE; t += MINUTE) {
      for (const [source, share] of Object.entries(shares)) {
        rows.push({ stream: 'requests', minute: t, source, count: 500 * share });
        rows.push({
          stream: 'authorized',
          minute: t,
          source,
          count: 500 * share * (source === 'visa' && t >= T0 ? 0.6 : 1),
        });
      }
    }
    await insert(rows);
    const ratio = (id: string, extra = '') => `  - id: ${id}
    type: ratio
    a: { broker: kafka, stream: requests }
    b: { broker: kafka, stream: authorized }
    lo: 0.9
    hi: 1.1
    window: 1m
    every: 1m
    delay: 0s
${extra}`;
    const rules = rulesOf(ratio('authorized-total') + ratio('authorized-by-network', '    group_by: source\n'));
    await driver(() => rules).run(T0 - 5 * MINUTE, T0 + 3 * MINUTE);
    expect(await transitions('authorized-total')).toEqual([]);
    const sliced = await transitions('authorized-by-network');
    expect(sliced.map((t) => [t.to_state, t.labels.source, Number(t.at)])).toEqual([['firing', 'visa', T0 + MINUTE]]);
    expect(sliced[0]?.summary).toMatch(
      /authorized \(publish\) source=visa \/ kafka requests \(publish\) source=visa: ratio 0\.6 \(60\/100\)/,
    );
  });

  it('fires for a slice that vanished, keeps judging it while it fires, and resolves it when it is back', async () => {
    const start = T0 + DAY;
    const rows: Row[] = [];
    for (let t = start - 10 * MINUTE; t < start + 3 * 60 * MINUTE; t += MINUTE) {
      rows.push({ stream: 'orders', minute: t, event_type: 'OrderPlaced', count: 20 });
      // OrderPaid stops at start and is back two hours later, past the hour a slice is otherwise remembered.
      if (t < start || t >= start + 120 * MINUTE)
        rows.push({ stream: 'orders', minute: t, event_type: 'OrderPaid', count: 20 });
    }
    await insert(rows);
    const yaml = `  - id: orders-by-type
    type: volume
    match: { broker: kafka, stream: orders }
    min: 5
    window: 1m
    every: 1m
    delay: 0s
    group_by: event_type
`;
    let rules = rulesOf(yaml);
    const d = driver(() => rules);
    await d.run(start - 5 * MINUTE, start + MINUTE);
    const fired = await transitions('orders-by-type');
    expect(fired.map((t) => [t.to_state, t.labels.event_type, Number(t.at)])).toEqual([
      ['firing', 'OrderPaid', start + MINUTE],
    ]);
    expect(fired[0]?.summary).toBe('kafka orders (publish) event_type=OrderPaid: 0 events per 1m is below 5');
    const rule = d.engine.statuses()[0]?.last?.evaluation;
    expect(rule?.summary).toBe(
      '1 of 2 event_type slices breach: kafka orders (publish) event_type=OrderPaid: 0 events per 1m is below 5',
    );

    // Silent for two hours: still firing (a vanished slice is a breach, not an orphan), then back: resolved.
    await d.run(start + 2 * MINUTE, start + 119 * MINUTE);
    expect((await transitions('orders-by-type')).map((t) => t.to_state)).toEqual(['firing']);
    await d.run(start + 120 * MINUTE, start + 124 * MINUTE);
    expect((await transitions('orders-by-type')).map((t) => [t.to_state, Number(t.at)])).toEqual([
      ['firing', start + MINUTE],
      ['resolved', start + 122 * MINUTE],
    ]);

    // It fires again; then the rule stops slicing: the slice alert it no longer judges resolves as an orphan.
    rules = rulesOf(yaml.replace('min: 5', 'min: 25'));
    await d.run(start + 125 * MINUTE, start + 125 * MINUTE);
    expect((await transitions('orders-by-type')).filter((t) => t.to_state === 'firing')).toHaveLength(3);
    rules = rulesOf(yaml.replace('    group_by: event_type\n', '').replace('min: 5', 'min: 1'));
    await d.run(start + 126 * MINUTE, start + 126 * MINUTE);
    const last = (await transitions('orders-by-type')).slice(-2);
    expect(last.map((t) => [t.to_state, t.summary])).toEqual([
      ['resolved', 'the rule no longer watches this slice'],
      ['resolved', 'the rule no longer watches this slice'],
    ]);
  });

  it('watches at most max_groups slices, the busiest, and says it dropped the rest', async () => {
    const start = T0 + 2 * DAY;
    const rates = { big: 50, large: 40, mid: 30, small: 10, gone: 10 };
    const rows: Row[] = [];
    for (let t = start - 10 * MINUTE; t < start + 2 * MINUTE; t += MINUTE) {
      for (const [source, n] of Object.entries(rates))
        if (source !== 'gone' || t < start) rows.push({ stream: 'many', minute: t, source, count: n });
    }
    await insert(rows);
    const rules = rulesOf(`  - id: many-by-source
    type: volume
    match: { broker: kafka, stream: many }
    min: 5
    window: 1m
    every: 1m
    delay: 0s
    group_by: source
    max_groups: 2
`);
    const d = driver(() => rules);
    await d.run(start + MINUTE, start + MINUTE);
    // "gone" vanished, but it is not among the two busiest: not watched, so no alert.
    expect(await transitions('many-by-source')).toEqual([]);
    const last = d.engine.statuses()[0]?.last?.evaluation;
    expect(last?.slices?.map((s) => s.group)).toEqual(['big', 'large']);
    expect(last?.summary).toBe(
      '2 source slices, 2 judged, none breached; 3 more source values not watched (max_groups 2)',
    );
    expect(last?.details).toMatchObject({ dropped: 3 });
  });

  it('slices by routing key from raw rows, which the rollup does not keep', async () => {
    const start = T0 + 3 * DAY;
    const event = (offset: number, at: number, routingKey: string): EventRow =>
      rabbitPublish(offset, at, {
        stream: 'cards',
        routing_key: routingKey,
        event_type: 'CardAuthorized',
        source: 'card-service',
      });
    const rows: EventRow[] = [];
    for (let t = start - 5 * MINUTE; t < start + MINUTE; t += 5_000) {
      rows.push(event(rows.length, t, 'card.authorized.mastercard'));
      if (t < start) rows.push(event(rows.length, t, 'card.authorized.visa')); // visa stops at start
    }
    await store.insertEvents(rows, 'slices', 1);
    const rules = rulesOf(`  - id: cards-by-key
    type: volume
    match: { broker: rabbitmq, stream: cards }
    min: 5
    window: 1m
    every: 1m
    delay: 0s
    group_by: routing_key
`);
    await driver(() => rules).run(start + MINUTE, start + MINUTE);
    const fired = await transitions('cards-by-key');
    expect(fired.map((t) => [t.to_state, t.labels.routing_key])).toEqual([['firing', 'card.authorized.visa']]);
    expect(fired[0]?.summary).toBe(
      'rabbitmq cards (publish) routing_key=card.authorized.visa: 0 events per 1m is below 5',
    );
  });
});

describe('unroutable share per exchange', () => {
  it('fires for the exchange whose publishes reach no queue, and names it', async () => {
    const start = T0 + 4 * DAY;
    const publish = (offset: number, at: number, stream: string, routed: string[]): EventRow =>
      rabbitPublish(offset, at, {
        stream,
        routing_key: 'k',
        routed_queues: routed,
        event_type: 'E',
        source: 's',
      });
    const rows: EventRow[] = [];
    for (let t = start; t < start + MINUTE; t += 250) {
      rows.push(publish(rows.length, t, 'orders', ['orders.q']));
      // one publish in four to `refunds` matches no binding (a binding removed by a deploy)
      rows.push(publish(rows.length, t, 'refunds', (t - start) % 1000 === 0 ? [] : ['refunds.q']));
    }
    await store.insertEvents(rows, 'unroutable', 1);
    const rules = rulesOf(`  - id: unroutable-share
    type: ratio
    a: { broker: rabbitmq }
    b: { broker: rabbitmq, routed: false }
    hi: 0.01
    window: 1m
    every: 1m
    delay: 0s
    group_by: stream
`);
    await driver(() => rules).run(start + MINUTE, start + MINUTE);
    const fired = await transitions('unroutable-share');
    expect(fired.map((t) => [t.to_state, t.labels.stream])).toEqual([['firing', 'refunds']]);
    expect(fired[0]?.summary).toContain('unroutable');
  });
});

describe('group_by in rule files', () => {
  const errorOf = (text: string) => {
    try {
      parseRuleFile(text, 'rules.d/x.yaml');
    } catch (err) {
      return (err as Error).message;
    }
    return 'no error';
  };
  const volume = 'rules:\n  - id: v\n    type: volume\n    match: { stream: x }\n    min: 3\n';

  it('defaults to no slices, and to 100 at most with group_by', () => {
    expect(parseRuleFile(volume, 'x.yaml')[0]).not.toHaveProperty('group_by');
    expect(parseRuleFile(`${volume}    group_by: routing_key\n`, 'x.yaml')[0]).toMatchObject({
      group_by: 'routing_key',
    });
  });

  it.each([
    [
      'an unknown dimension',
      `${volume}    group_by: 'field:network'\n`,
      /x\.yaml:6: rules\.0\.group_by: expected group_by to be one of stream, event_type, source, routing_key/,
    ],
    [
      'max_groups without group_by',
      `${volume}    max_groups: 10\n`,
      /x\.yaml:6: rules\.0\.max_groups: max_groups needs group_by/,
    ],
    ['a max_groups of 0', `${volume}    group_by: source\n    max_groups: 0\n`, /x\.yaml:7: rules\.0\.max_groups: /],
    [
      'a label named like the slice',
      `${volume}    group_by: source\n    labels: { source: x }\n`,
      /x\.yaml:7: rules\.0\.labels: labels cannot hold source/,
    ],
    [
      'group_by on a freshness rule',
      'rules:\n  - id: f\n    type: freshness\n    match: { stream: x }\n    max_silence: 1m\n    group_by: source\n',
      /x\.yaml:6: rules\.0\.group_by: unknown field/,
    ],
  ])('names the file, line and field for %s', (_, text, message) => {
    expect(errorOf(text)).toMatch(message);
  });
});
