// The schema rule on a stream whose payload shape is older than the rule's history: a new shape is still new.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@rollcall/core/config';
import { openStore, type Store } from '@rollcall/core/store';
import { tempDir } from '@rollcall/core/testing/brokers';
import { numberedRow } from '@rollcall/core/testing/event-row';
import { evaluateRule } from '../../src/evaluation/evaluate-rule.ts';
import { parseRuleFile } from '../../src/model/files.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-30T12:00:00Z');
const OLD = 0x1111;
const NEW = 0x2222;

const row = (offset: number, at: number, fingerprint: number) =>
  numberedRow(offset, at, {
    broker_ts: at,
    stream: 'fraud.scores',
    event_type: 'FraudScored',
    source: 'fraud',
    schema_fingerprint: fingerprint,
  });

describe('schema rule', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore(parseConfig('', 'test', { ROLLCALL_DATA_DIR: tempDir('rollcall-schema-rule') }).clickhouse);
    // The shape everyone knows was first seen 30 days ago, far beyond the rule's 7-day history.
    await store.insertSchemas([
      {
        fingerprint: OLD,
        broker: 'kafka',
        stream: 'fraud.scores',
        event_type: 'FraudScored',
        paths: ['/score', '/id'],
        first_seen: NOW - 30 * DAY,
      },
      {
        fingerprint: NEW,
        broker: 'kafka',
        stream: 'fraud.scores',
        event_type: 'FraudScored',
        paths: ['/score'],
        first_seen: NOW - 30_000,
      },
    ]);
    await store.insertEvents(
      [row(1, NOW - 7 * 60_000, OLD), row(2, NOW - 4 * 60_000, OLD), row(3, NOW - 30_000, NEW)],
      'schema-rule',
      1,
    );
  });
  afterAll(() => store?.close());

  const [rule] = parseRuleFile(
    `rules:\n  - { id: shape, type: schema, match: { broker: kafka, stream: fraud.scores }, window: 5m, every: 1m, delay: 0s }\n`,
    'shape.yaml',
  );

  it('flags a shape first seen in the window even when the known one is older than history', async () => {
    if (!rule) throw new Error('no rule');
    const now = await evaluateRule(store, rule, { start: NOW - 5 * 60_000, end: NOW });
    expect(now.breached).toBe(true);
    expect(now.summary).toMatch(/new payload shape 2222/);
    const before = await evaluateRule(store, rule, { start: NOW - 10 * 60_000, end: NOW - 5 * 60_000 });
    expect(before.breached).toBe(false);
  });
});
