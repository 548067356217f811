// `npm run incident`'s scenario end to end: the Card → Fraud pilot runs against the real brokers, Rollcall's real
// taps store its traffic, and the real rules role judges it with the demo's own incident rules from
// rules.d/card-fraud.yaml (pointed at this test's streams, every duration a sixth of the demo's; the thresholds
// are the demo's). The incident is started the way a user starts it — the `npm run incident` command
// against the pilots' control endpoint — and both rules must go from quiet to firing.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rabbitUrl, tempDir, uniqueName, waitUntil } from '@rollcall/core/testing/brokers';
import { parseRuleFile } from '@rollcall/rules/files';
import type { Match, Rule } from '@rollcall/rules/rule';
import { createAlerting, type Alerting } from '@rollcall/rules/rules-role';
import { CARD_FRAUD_INCIDENT, CARD_FRAUD_NAMES, startCardFraud } from '@rollcall/pilots/card-fraud';
import { startControl } from '@rollcall/pilots/control';
import { prefixNames, type Pilot } from '@rollcall/pilots/pilot';
import { incidentCommand } from '../../src/incident.ts';
import { countsByType, kafkaBrokers, log, startHarness, type Harness } from './harness.ts';

const prefix = uniqueName('rc-pilot-incident');
const names = prefixNames(CARD_FRAUD_NAMES, `${prefix}.`);
const streams = [names.requests, names.exchange, names.scores];
const demoRules = fileURLToPath(new URL('../../../../deploy/local/rules.d/card-fraud.yaml', import.meta.url));
const SCALE = 6;

/** The demo's rule, watching this test's streams, six times faster. JSON is YAML; durations as "<n>ms". */
function scaled(rule: Rule): Record<string, unknown> {
  const renamed: Record<string, string> = {
    [CARD_FRAUD_NAMES.requests]: names.requests,
    [CARD_FRAUD_NAMES.exchange]: names.exchange,
    [CARD_FRAUD_NAMES.scores]: names.scores,
  };
  const point = (m: Match) => ({ ...m, ...(m.stream ? { stream: renamed[m.stream] ?? m.stream } : {}) });
  const out: Record<string, unknown> = {
    ...rule,
    ...('a' in rule ? { a: point(rule.a), b: point(rule.b) } : {}),
    ...('match' in rule ? { match: point(rule.match) } : {}),
  };
  for (const key of ['window', 'every', 'delay', 'for', 'within'] as const) {
    const ms = (rule as Partial<Record<typeof key, number>>)[key];
    if (ms !== undefined) out[key] = `${Math.round(ms / SCALE)}ms`;
  }
  return out;
}

interface TransitionRow {
  rule_id: string;
  to_state: string;
  at: number;
  summary: string;
}

describe('npm run incident, end to end', () => {
  let h: Harness;
  let pilot: Pilot;
  let control: Awaited<ReturnType<typeof startControl>>;
  let alerting: Alerting;
  let pilotStarted = 0;
  const transitions = () =>
    h
      .rows<TransitionRow>(
        `SELECT rule_id, to_state, toUnixTimestamp64Milli(at) AS at, summary FROM ${h.store.db}.alert_transitions ORDER BY at`,
      )
      .then((rows) => rows.map((r) => ({ ...r, at: Number(r.at) })));

  beforeAll(async () => {
    h = await startHarness({ prefix, rabbit: true, topics: [names.requests, names.scores] });
    pilot = await startCardFraud({ rabbitUrl: rabbitUrl(), kafkaBrokers, ratePerSecond: 40, log, names });
    pilotStarted = Date.now();
    control = await startControl({ pilots: [pilot], log, port: 0 });
  });
  afterAll(async () => {
    await alerting?.stop();
    await control?.close();
    await pilot?.stop();
    await h?.stop(pilot ? [pilot.resources] : []);
  });

  it(
    'the demo’s incident rules stay quiet on normal traffic and fire once the incident is started',
    { timeout: 150_000 },
    async () => {
      const rules = parseRuleFile(readFileSync(demoRules, 'utf8'), demoRules).filter((r) =>
        CARD_FRAUD_INCIDENT.rules.includes(r.id),
      );
      expect(rules.map((r) => r.id).sort()).toEqual([...CARD_FRAUD_INCIDENT.rules].sort());
      const dir = join(tempDir('rc-pilot-incident-rules'), 'rules.d');
      mkdirSync(dir);
      writeFileSync(join(dir, 'card-fraud.yaml'), JSON.stringify({ rules: rules.map(scaled) }, null, 2));

      await waitUntil(
        () => countsByType(h, streams),
        (c) => (c.FraudScored ?? 0) >= 50,
        30_000,
        'steady traffic',
      );
      // The rules start once no window they judge reaches back to the pilot's first second, when one tap may have
      // seen traffic before the other did: the demo's `for` covers that at start-up; this test wants no breach at all.
      const reach = Math.max(...rules.map((r) => r.window + r.delay + r.every + ('within' in r ? r.within : 0)));
      const settle = pilotStarted + reach / SCALE + 1000 - Date.now();
      await new Promise((r) => setTimeout(r, Math.max(0, settle)));
      alerting = createAlerting({
        config: { ...h.config, rules: { ...h.config.rules, enabled: true, dir } },
        store: h.store,
        log,
        dashboardUrl: 'http://127.0.0.1:8787',
      });
      await alerting.start();

      // normal traffic: each rule judges real windows (not skipped) and nothing breaches
      const judged = await waitUntil(
        () =>
          h.rows<{ rule_id: string; n: string | number }>(
            `SELECT rule_id, count() AS n FROM ${h.store.db}.rule_evaluations WHERE skipped = '' GROUP BY rule_id`,
          ),
        (rows) => rows.length === 2 && rows.every((r) => Number(r.n) >= 2),
        30_000,
        'two judged windows per rule',
      );
      expect(judged).toHaveLength(2);
      const quiet = await h.rows<{ rule_id: string; value: number }>(
        `SELECT rule_id, value FROM ${h.store.db}.rule_evaluations WHERE breached = 1`,
      );
      expect(quiet).toEqual([]);
      expect(await transitions()).toEqual([]);

      const said: string[] = [];
      expect(
        await incidentCommand([], {
          controlUrl: control.url,
          dashboardUrl: 'http://127.0.0.1:8787/',
          out: (l) => said.push(l),
        }),
      ).toBe(0);
      const startedAt = Date.now();
      expect(said.join('\n')).toContain(CARD_FRAUD_INCIDENT.rules.join(', '));
      expect(pilot.traffic.faults()).toEqual({ CardAuthorized: CARD_FRAUD_INCIDENT.fault });

      const firing = await waitUntil(
        async () => (await transitions()).filter((t) => t.to_state === 'firing'),
        (rows) => CARD_FRAUD_INCIDENT.rules.every((id) => rows.some((t) => t.rule_id === id)),
        // Windows are a sixth of the demo's, so each holds a sixth of its events: the ratio rule's significance test
        // may need a few of them before a ~10% drop of the total is certain.
        90_000,
        'both incident rules to fire',
      );
      for (const t of firing) {
        expect(t.at).toBeGreaterThan(startedAt);
        console.info(
          `${t.rule_id} fired ${((t.at - startedAt) / 1000).toFixed(1)} s after the incident began: ${t.summary}`,
        );
      }
      expect(pilot.traffic.counters().CardAuthorized?.dropped).toBeGreaterThan(0);

      expect(
        await incidentCommand(['--stop'], { controlUrl: control.url, dashboardUrl: '', out: (l) => said.push(l) }),
      ).toBe(0);
      expect(pilot.traffic.faults()).toEqual({});
    },
  );
});
