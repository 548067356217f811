// Pay pilot (money and remittance), all on Kafka. membership-service registers members; money-service takes
// recharge requests and remittance-service remittance requests, and each asks firmbanking-service to move the
// money at the bank. firmbanking-service reports each transfer; the requester then books the result.
//   MoneyRechargeRequested → FirmBankingRequested → FirmBankingCompleted → MoneyRecharged
//   RemittanceRequested    → FirmBankingRequested → FirmBankingCompleted → RemittanceCompleted
// Each request's idempotency key is its correlation id and the Kafka key. A publisher retry repeats the same
// message (same ce_id); the services that act on requests remember the keys they served and act once.
import { newId, oneOf, pick } from './chance.ts';
import { newEvent } from './cloudevents.ts';
import { connectPilotKafka, kafkaPilot } from './kafka.ts';
import { startPace } from './pace.ts';
import type { Pilot, PilotOptions } from './pilot.ts';
import { createTraffic } from './traffic.ts';

export const PAY_NAMES = {
  membership: 'pay.membership',
  money: 'pay.money',
  remittance: 'pay.remittance',
  firmbanking: 'pay.firmbanking',
  firmbankingResults: 'pay.firmbanking.results',
  moneyGroup: 'money-service',
  remittanceGroup: 'remittance-service',
  firmbankingGroup: 'firmbanking-service',
};
export type PayNames = typeof PAY_NAMES;

export const PAY_EVENT_TYPES = [
  'MembershipRegistered',
  'MoneyRechargeRequested',
  'MoneyRecharged',
  'RemittanceRequested',
  'RemittanceCompleted',
  'FirmBankingRequested',
  'FirmBankingCompleted',
] as const;

/** Default membership, recharge and remittance requests per second. */
export const PAY_RATE = 2;

const BANKS = ['BCA', 'Mandiri', 'BNI', 'KB Kookmin', 'Shinhan'];
const CORPS = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Stark'];
const MAX_REMEMBERED_KEYS = 50_000;

/** Idempotency keys already served, oldest forgotten first. */
function servedKeys() {
  const seen = new Set<string>();
  return {
    /** True the first time a key is offered. */
    first(key: string): boolean {
      if (seen.has(key)) return false;
      seen.add(key);
      if (seen.size > MAX_REMEMBERED_KEYS) seen.delete(seen.values().next().value ?? '');
      return true;
    },
  };
}

export async function startPay({
  kafkaBrokers,
  ratePerSecond = PAY_RATE,
  log,
  names: given = {},
  random = Math.random,
}: PilotOptions<PayNames>): Promise<Pilot> {
  const names: PayNames = { ...PAY_NAMES, ...given };
  const traffic = createTraffic({ eventTypes: PAY_EVENT_TYPES, log, random });
  const topics = [names.membership, names.money, names.remittance, names.firmbanking, names.firmbankingResults];
  const kafka = await connectPilotKafka({ brokers: kafkaBrokers, clientId: 'pay-pilot', topics, traffic, log });
  const members = Array.from({ length: 20 }, () => newId('mem'));
  const balances = new Map<string, number>();

  const transfers = servedKeys();
  await kafka.consume(names.firmbankingGroup, [names.firmbanking], {
    FirmBankingRequested: async (request) => {
      if (!transfers.first(request.correlationId)) return; // a retried request: the money moved once already
      const result = { ...request.data, status: 'succeeded', bank_transaction_id: newId('btx') };
      await kafka.publish(
        names.firmbankingResults,
        newEvent('FirmBankingCompleted', 'firmbanking-service', request.correlationId, result, request),
      );
    },
  });

  const recharges = servedKeys();
  await kafka.consume(names.moneyGroup, [names.firmbankingResults], {
    FirmBankingCompleted: async (done) => {
      if (done.data.purpose !== 'recharge' || !recharges.first(done.correlationId)) return;
      const member = String(done.data.membership_id);
      const balance = (balances.get(member) ?? 0) + Number(done.data.amount ?? 0);
      balances.set(member, balance);
      const booked = { idempotency_key: done.correlationId, membership_id: member, amount: done.data.amount, balance };
      await kafka.publish(names.money, newEvent('MoneyRecharged', 'money-service', done.correlationId, booked, done));
    },
  });

  const remittances = servedKeys();
  await kafka.consume(names.remittanceGroup, [names.firmbankingResults], {
    FirmBankingCompleted: async (done) => {
      if (done.data.purpose !== 'remittance' || !remittances.first(done.correlationId)) return;
      const booked = {
        idempotency_key: done.correlationId,
        membership_id: done.data.membership_id,
        amount: done.data.amount,
        to_bank: done.data.to_bank,
        status: 'completed',
      };
      await kafka.publish(
        names.remittance,
        newEvent('RemittanceCompleted', 'remittance-service', done.correlationId, booked, done),
      );
    },
  });

  /** The requester's own event, then its order to the bank, under one idempotency key. */
  const request = async (
    source: string,
    topic: string,
    type: string,
    purpose: 'recharge' | 'remittance',
    data: Record<string, unknown>,
  ) => {
    const key = newId('idem');
    const requested = newEvent(type, source, key, { idempotency_key: key, ...data });
    await kafka.publish(topic, requested);
    const order = {
      idempotency_key: key,
      purpose,
      membership_id: data.membership_id,
      amount: data.amount,
      from_bank: data.from_bank,
      to_bank: data.to_bank,
      requested_by: source,
    };
    await kafka.publish(names.firmbanking, newEvent('FirmBankingRequested', source, key, order, requested));
  };

  const pace = startPace({
    ratePerSecond,
    log,
    random,
    tick: async () => {
      const what = pick(
        [
          ['membership', 0.1],
          ['recharge', 0.5],
          ['remittance', 0.4],
        ] as const,
        random(),
      );
      if (what === 'membership') {
        const id = newId('mem');
        members.push(id);
        if (members.length > 1000) members.shift();
        await kafka.publish(
          names.membership,
          newEvent('MembershipRegistered', 'membership-service', id, {
            membership_id: id,
            corp: oneOf(CORPS, random()),
            membership_type: 'corporate',
            valid: true,
          }),
        );
        return;
      }
      const member = oneOf(members, random());
      const amount = Math.round(10 + random() * 990) * 1000;
      if (what === 'recharge')
        await request('money-service', names.money, 'MoneyRechargeRequested', 'recharge', {
          membership_id: member,
          amount,
          currency: 'IDR',
          from_bank: oneOf(BANKS, random()),
          to_bank: 'pay-firm-account',
        });
      else
        await request('remittance-service', names.remittance, 'RemittanceRequested', 'remittance', {
          membership_id: member,
          amount,
          currency: 'IDR',
          from_bank: 'pay-firm-account',
          to_bank: oneOf(BANKS, random()),
          to_account: String(Math.floor(random() * 1e10)).padStart(10, '0'),
        });
    },
  });

  return kafkaPilot({
    name: 'pay',
    services: ['membership-service', 'money-service', 'remittance-service', 'firmbanking-service'],
    eventTypes: PAY_EVENT_TYPES,
    traffic,
    kafka,
    topics,
    groups: [names.firmbankingGroup, names.moneyGroup, names.remittanceGroup],
    pace,
  });
}
