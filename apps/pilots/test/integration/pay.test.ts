// The pay pilot against the real Kafka, through Rollcall's real tap into the store: recharge and remittance run
// as chains under one idempotency key; a duplicated bank order repeats its message id and still moves money
// once, and a dropped booking is a missing step.
import { describe, expect, it } from 'vitest';
import { uniqueName } from '@rollcall/core/testing/brokers';
import { PAY_NAMES, startPay } from '@rollcall/pilots/pay';
import { prefixNames } from '@rollcall/pilots/pilot';
import { eventsIn, faultWindow, kafkaBrokers, log, pilotUnderTest, settledRows, type EventRow } from './harness.ts';

const prefix = uniqueName('rc-pay');
const names = prefixNames(PAY_NAMES, `${prefix}.`);
const streams = [names.membership, names.money, names.remittance, names.firmbanking, names.firmbankingResults];
const RECHARGE = ['MoneyRechargeRequested', 'FirmBankingRequested', 'FirmBankingCompleted', 'MoneyRecharged'];
const REMITTANCE = ['RemittanceRequested', 'FirmBankingRequested', 'FirmBankingCompleted', 'RemittanceCompleted'];

const byKey = (rows: EventRow[]) => {
  const out = new Map<string, EventRow[]>();
  for (const r of rows) out.set(r.correlation_id, [...(out.get(r.correlation_id) ?? []), r]);
  return out;
};
const typesOf = (chain: EventRow[]) => chain.map((r) => r.event_type);
const startOf = (chain: EventRow[]) =>
  chain.find((r) => r.event_type.endsWith('Requested') && r.event_type !== 'FirmBankingRequested');

describe('pay pilot', () => {
  const run = pilotUnderTest({ prefix, topics: streams }, () =>
    startPay({ kafkaBrokers, ratePerSecond: 12, log, names }),
  );

  it(
    'runs recharge and remittance chains with their types, sources and the idempotency key as correlation id',
    { timeout: 40_000 },
    async () => {
      const { rows, cut } = await settledRows(
        run,
        streams,
        (c) =>
          (c.MoneyRecharged ?? 0) >= 20 && (c.RemittanceCompleted ?? 0) >= 20 && (c.MembershipRegistered ?? 0) >= 3,
        'chains to complete',
      );
      expect(new Set(rows.map((r) => `${r.event_type} ${r.stream} ${r.source}`))).toEqual(
        new Set([
          `MembershipRegistered ${names.membership} membership-service`,
          `MoneyRechargeRequested ${names.money} money-service`,
          `FirmBankingRequested ${names.firmbanking} money-service`,
          `MoneyRecharged ${names.money} money-service`,
          `RemittanceRequested ${names.remittance} remittance-service`,
          `FirmBankingRequested ${names.firmbanking} remittance-service`,
          `RemittanceCompleted ${names.remittance} remittance-service`,
          `FirmBankingCompleted ${names.firmbankingResults} firmbanking-service`,
        ]),
      );
      expect(new Set(rows.map((r) => r.message_id)).size).toBe(rows.length);
      const settled = [...byKey(rows).values()].filter((c) => (startOf(c)?.broker_ts ?? Infinity) < cut);
      expect(settled.length).toBeGreaterThanOrEqual(30);
      for (const chain of settled) {
        expect(typesOf(chain).sort()).toEqual(
          [...(startOf(chain)?.event_type === 'RemittanceRequested' ? REMITTANCE : RECHARGE)].sort(),
        );
        expect(chain[0]?.correlation_id).toMatch(/^idem-[0-9a-f-]{36}$/);
        expect(new Set(chain.map((r) => r.trace_id)).size).toBe(1);
      }
    },
  );

  it(
    'a duplicated bank order repeats its message id but moves money once; a dropped booking is a missing step',
    { timeout: 30_000 },
    async () => {
      const { from, to } = await faultWindow(
        run,
        streams,
        { FirmBankingRequested: { duplicate: 0.5 }, MoneyRecharged: { drop: 0.5 } },
        6000,
        2500,
      );

      const inside = [...byKey(await eventsIn(run.h, streams)).values()].filter((c) => {
        const start = startOf(c)?.broker_ts ?? 0;
        return start >= from + 200 && start <= to - 1500;
      });
      expect(inside.length).toBeGreaterThanOrEqual(20);
      const count = (chain: EventRow[], type: string) => chain.filter((r) => r.event_type === type);
      const repeated = inside.filter((c) => count(c, 'FirmBankingRequested').length === 2);
      expect(repeated.length / inside.length).toBeGreaterThan(0.2);
      expect(repeated.length / inside.length).toBeLessThan(0.8);
      for (const c of repeated) expect(new Set(count(c, 'FirmBankingRequested').map((r) => r.message_id)).size).toBe(1);
      // firmbanking-service remembers the idempotency key: one transfer per request, repeated or not
      for (const c of inside) expect(count(c, 'FirmBankingCompleted')).toHaveLength(1);

      const recharges = inside.filter((c) => startOf(c)?.event_type === 'MoneyRechargeRequested');
      const booked = recharges.filter((c) => count(c, 'MoneyRecharged').length === 1);
      expect(recharges.length).toBeGreaterThanOrEqual(10);
      expect(booked.length / recharges.length).toBeGreaterThan(0.15);
      expect(booked.length / recharges.length).toBeLessThan(0.85);
      // remittances were not touched
      for (const c of inside.filter((c) => startOf(c)?.event_type === 'RemittanceRequested'))
        expect(count(c, 'RemittanceCompleted')).toHaveLength(1);
      expect(run.pilot.traffic.counters().MoneyRecharged?.dropped).toBeGreaterThanOrEqual(
        recharges.length - booked.length,
      );
      expect(run.pilot.traffic.counters().FirmBankingRequested?.duplicated).toBeGreaterThanOrEqual(repeated.length);
    },
  );
});
