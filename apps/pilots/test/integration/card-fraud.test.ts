// The Card → Fraud pilot against the real RabbitMQ and Kafka, through Rollcall's real taps into the store: the
// chain carries its types, sources and one correlation id end to end, and every fault switch changes the traffic
// the way it says — on the RabbitMQ hop (CardAuthorized) and on the Kafka hops.
import { describe, expect, it } from 'vitest';
import { rabbitUrl, uniqueName, waitUntil } from '@rollcall/core/testing/brokers';
import { CARD_FRAUD_NAMES, startCardFraud } from '@rollcall/pilots/card-fraud';
import { prefixNames } from '@rollcall/pilots/pilot';
import type { FaultTable } from '@rollcall/pilots/faults';
import { eventsIn, faultWindow, kafkaBrokers, log, pilotUnderTest, settledRows, type EventRow } from './harness.ts';

const prefix = uniqueName('rc-cardfraud');
const names = prefixNames(CARD_FRAUD_NAMES, `${prefix}.`);
const streams = [names.requests, names.exchange, names.scores];

interface Chain {
  request?: EventRow;
  published: EventRow[];
  delivered: EventRow[];
  scored: EventRow[];
}

function chains(rows: EventRow[]): Map<string, Chain> {
  const out = new Map<string, Chain>();
  for (const r of rows) {
    const c = out.get(r.correlation_id) ?? { published: [], delivered: [], scored: [] };
    if (r.event_type === 'AuthorizationRequested') c.request = r;
    else if (r.event_type === 'CardAuthorized') (r.kind === 'publish' ? c.published : c.delivered).push(r);
    else if (r.event_type === 'FraudScored') c.scored.push(r);
    out.set(r.correlation_id, c);
  }
  return out;
}

describe('Card → Fraud pilot', () => {
  const run = pilotUnderTest({ prefix, rabbit: true, topics: [names.requests, names.scores] }, () =>
    startCardFraud({ rabbitUrl: rabbitUrl(), kafkaBrokers, ratePerSecond: 20, log, names }),
  );

  /** Runs `faults` for `ms`, lets the chains begun inside finish, and returns the chains of requests accepted
   * well inside the window (`tail` ms before its end are left out: they may be handled after it). */
  async function during(faults: FaultTable, ms: number, tail: number): Promise<Chain[]> {
    const { from, to } = await faultWindow(run, streams, faults, ms, 2500);
    const all = chains(await eventsIn(run.h, streams));
    return [...all.values()].filter(
      (c) => c.request && c.request.broker_ts >= from + 200 && c.request.broker_ts <= to - tail,
    );
  }

  it(
    'carries CloudEvents metadata and the authorization id through RabbitMQ and Kafka',
    { timeout: 40_000 },
    async () => {
      const { rows, cut } = await settledRows(run, streams, (c) => (c.FraudScored ?? 0) >= 100, 'scores to arrive');
      expect(new Set(rows.map((r) => `${r.event_type} ${r.stream} ${r.kind} ${r.source} ${r.queue}`))).toEqual(
        new Set([
          `AuthorizationRequested ${names.requests} publish card-service `,
          `CardAuthorized ${names.exchange} publish card-service `,
          `CardAuthorized ${names.exchange} deliver card-service ${names.queue}`,
          `FraudScored ${names.scores} publish fraud-service `,
        ]),
      );
      const settled = [...chains(rows).values()].filter((c) => c.request && c.request.broker_ts < cut);
      expect(settled.length).toBeGreaterThanOrEqual(50);
      for (const c of settled) {
        expect([c.published.length, c.delivered.length, c.scored.length]).toEqual([1, 1, 1]);
        // the AMQP message id is the same at publish and delivery; every message has its own id
        expect(c.delivered[0]?.message_id).toBe(c.published[0]?.message_id);
        expect(new Set([c.request?.message_id, c.published[0]?.message_id, c.scored[0]?.message_id]).size).toBe(3);
        expect(new Set([c.request, ...c.published, ...c.delivered, ...c.scored].map((r) => r?.trace_id)).size).toBe(1);
      }
    },
  );

  it(
    'drop loses about the share asked for; delay and schema change show on the Kafka hops',
    { timeout: 30_000 },
    async () => {
      const shapesBefore = new Set((await eventsIn(run.h, [names.requests])).map((r) => r.schema_fingerprint));
      const inside = await during(
        {
          CardAuthorized: { drop: 0.5 },
          FraudScored: { delay_ms: 800 },
          AuthorizationRequested: { schema: { rename: { from: 'merchant', to: 'merchant_id' } } },
        },
        5000,
        1500,
      );
      expect(inside.length).toBeGreaterThanOrEqual(40);
      const published = inside.filter((c) => c.published.length > 0);
      expect(published.length / inside.length).toBeGreaterThan(0.25);
      expect(published.length / inside.length).toBeLessThan(0.75);
      // a dropped authorization is never delivered or scored; a published one is, at least 800 ms after the request
      for (const c of inside.filter((c) => c.published.length === 0)) expect([c.delivered, c.scored]).toEqual([[], []]);
      for (const c of published) {
        expect(c.scored).toHaveLength(1);
        expect((c.scored[0]?.broker_ts ?? 0) - (c.request?.broker_ts ?? 0)).toBeGreaterThanOrEqual(800);
      }
      const renamed = new Set(inside.map((c) => c.request?.schema_fingerprint ?? ''));
      expect(renamed.size).toBe(1);
      expect([...renamed].some((f) => shapesBefore.has(f))).toBe(false);
      const [shape] = await run.h.rows<{ paths: string[] }>(
        `SELECT paths FROM ${run.h.store.db}.schemas WHERE stream = {s:String} AND fingerprint = {f:UInt64}`,
        { s: names.requests, f: [...renamed][0] ?? '0' },
      );
      expect(shape?.paths).toEqual(['/authorization_id', '/merchant_id', '/network']);
      expect(run.pilot.traffic.counters().CardAuthorized?.dropped).toBeGreaterThanOrEqual(
        inside.length - published.length,
      );
    },
  );

  it('duplicate repeats message ids; a slowed consumer scores each one later', { timeout: 30_000 }, async () => {
    const inside = await during({ CardAuthorized: { duplicate: 0.5, slow_consumer_ms: 250 } }, 6000, 2500);
    expect(inside.length).toBeGreaterThanOrEqual(40);
    const twice = inside.filter((c) => c.published.length === 2);
    expect(inside.every((c) => c.published.length === 1 || c.published.length === 2)).toBe(true);
    expect(twice.length / inside.length).toBeGreaterThan(0.25);
    expect(twice.length / inside.length).toBeLessThan(0.75);
    for (const c of twice) expect(c.published[1]?.message_id).toBe(c.published[0]?.message_id);
    // fraud-service is not idempotent: it scores each copy; and no score comes sooner than the slowdown
    const scoredAll = await waitUntil(
      async () => chains(await eventsIn(run.h, streams)),
      (all) =>
        inside.every((c) => (all.get(c.request?.correlation_id ?? '')?.scored.length ?? 0) === c.published.length),
      15_000,
      'every copy to be scored',
    );
    for (const c of inside) {
      for (const s of scoredAll.get(c.request?.correlation_id ?? '')?.scored ?? [])
        expect(s.broker_ts - (c.request?.broker_ts ?? 0)).toBeGreaterThanOrEqual(250);
    }
    expect(run.pilot.traffic.counters().CardAuthorized?.duplicated).toBeGreaterThanOrEqual(twice.length);
  });

  it('stop publishes no authorization at all while requests go on', { timeout: 30_000 }, async () => {
    const inside = await during({ CardAuthorized: { stop: true } }, 3000, 500);
    expect(inside.length).toBeGreaterThanOrEqual(30);
    expect(inside.flatMap((c) => [...c.published, ...c.delivered, ...c.scored])).toEqual([]);
  });
});
