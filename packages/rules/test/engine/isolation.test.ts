// One broken rule (numbers past what the schema allows, as from a rule built in code or an older schema) is that
// rule's error only: the other rules are evaluated and their evaluation rows stored in the same tick.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseConfig } from '@rollcall/core/config';
import { silentLogger } from '@rollcall/core/log';
import { openStore, type Store } from '@rollcall/core/store';
import { queryRows } from '@rollcall/core/store/queries';
import { tempDir } from '@rollcall/core/testing/brokers';
import { createRuleEngine } from '../../src/evaluation/engine.ts';
import { fixedRuleFiles, parseRuleFile } from '../../src/model/files.ts';

let store: Store;
beforeAll(async () => {
  store = await openStore(parseConfig('', 'test', { ROLLCALL_DATA_DIR: tempDir('rollcall-isolation') }).clickhouse);
});
afterAll(() => store?.close());

it('stores the other rules’ evaluations while one rule’s every is Infinity', async () => {
  const [good, broken] = parseRuleFile(
    `rules:
  - { id: good, type: volume, match: { stream: orders }, min: 1, delay: 0s }
  - { id: broken, type: volume, match: { stream: orders }, min: 1, delay: 0s }
`,
    'isolation.yaml',
  );
  if (!good || !broken) throw new Error('expected two rules');
  const engine = createRuleEngine({
    store,
    log: silentLogger,
    files: fixedRuleFiles([
      good,
      { ...broken, every: Number.POSITIVE_INFINITY },
      { ...broken, id: 'nan', window: Number.NaN },
    ]),
  });
  await engine.tick();
  const rows = await queryRows<{ rule_id: string }>(
    store,
    `SELECT rule_id FROM ${store.db}.rule_evaluations ORDER BY rule_id`,
    {},
  );
  expect(rows.map((r) => r.rule_id)).toContain('good');
  const byId = new Map(engine.statuses().map((s) => [s.rule.id, s.last]));
  expect(byId.get('good')?.error).toBeUndefined();
  expect(byId.get('broken')?.error).toMatch(/not a time/);
  expect(Number.isFinite(byId.get('broken')?.window.start)).toBe(true);
});
