// The control endpoint over real HTTP, with real traffic switchboards (no brokers needed to flip switches).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@rollcall/core/log';
import { CARD_FRAUD_EVENT_TYPES, CARD_FRAUD_INCIDENT } from './card-fraud.ts';
import { cliCommand, faultFromFlags } from './cli.ts';
import { startControl, type ControlledPilot, type IncidentView, type PilotView } from './control.ts';
import { incidentCommand } from './incident.ts';
import { createTraffic } from './traffic.ts';

const resources = { kafkaTopics: [], kafkaGroups: [], exchanges: [], queues: [] };
const cardFraud: ControlledPilot = {
  name: 'card-fraud',
  services: ['card-service', 'fraud-service'],
  eventTypes: CARD_FRAUD_EVENT_TYPES,
  traffic: createTraffic({ eventTypes: CARD_FRAUD_EVENT_TYPES, log: silentLogger }),
  resources,
};
const saga: ControlledPilot = {
  name: 'order-saga',
  services: ['order-service'],
  eventTypes: ['OrderPlaced'],
  traffic: createTraffic({ eventTypes: ['OrderPlaced'], log: silentLogger }),
  resources,
};

interface Problem {
  status: number;
  title: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

describe('pilot control endpoint', () => {
  let control: Awaited<ReturnType<typeof startControl>>;
  const call = async <T>(
    method: string,
    path: string,
    body?: string,
  ): Promise<{ status: number; type: string | null; body: T }> => {
    const res = await fetch(`${control.url}${path}`, { method, ...(body !== undefined ? { body } : {}) });
    return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as T };
  };

  beforeAll(async () => {
    control = await startControl({
      pilots: [cardFraud, saga],
      log: silentLogger,
      port: 0,
      now: () => Date.UTC(2025, 0, 1, 9),
    });
  });
  afterAll(async () => {
    await control?.close();
  });

  it('binds 127.0.0.1 and lists each pilot with its services, event types, faults and counters', async () => {
    expect(control.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { status, body } = await call<{ pilots: PilotView[]; incident: IncidentView }>('GET', '/pilots');
    expect(status).toBe(200);
    expect(body.pilots.map((p) => [p.name, p.services, p.event_types])).toEqual([
      ['card-fraud', ['card-service', 'fraud-service'], ['AuthorizationRequested', 'CardAuthorized', 'FraudScored']],
      ['order-saga', ['order-service'], ['OrderPlaced']],
    ]);
    expect(body.pilots[0]?.counters.CardAuthorized).toEqual({ published: 0, consumed: 0, dropped: 0, duplicated: 0 });
    expect(body.incident.active).toBe(false);
  });

  it('PUT replaces a pilot’s faults and the switchboard applies them; DELETE clears them', async () => {
    const put = await call<PilotView>(
      'PUT',
      '/pilots/order-saga/faults',
      JSON.stringify({ OrderPlaced: { stop: true }, '*': { delay_ms: 10 } }),
    );
    expect(put.status).toBe(200);
    expect(put.body.fault_summary).toEqual(['OrderPlaced: publishes none', 'every event type: delays each by 10 ms']);
    expect(saga.traffic.faults()).toEqual({ OrderPlaced: { stop: true }, '*': { delay_ms: 10 } });
    await call('PUT', '/pilots/order-saga/faults', JSON.stringify({ OrderPlaced: { duplicate: 0.5 } }));
    expect(saga.traffic.faults()).toEqual({ OrderPlaced: { duplicate: 0.5 } });
    const cleared = await call<PilotView>('DELETE', '/pilots/order-saga/faults');
    expect(cleared.body.faults).toEqual({});
    expect(saga.traffic.faults()).toEqual({});
  });

  it('refuses a bad body with a 400 problem naming the field, and changes nothing', async () => {
    saga.traffic.setFaults({ OrderPlaced: { drop: 0.1 } });
    const bad = await call<Problem>('PUT', '/pilots/order-saga/faults', JSON.stringify({ OrderPlaced: { drop: 2 } }));
    expect(bad.status).toBe(400);
    expect(bad.type).toBe('application/problem+json');
    expect(bad.body.errors).toEqual([
      { field: 'body.OrderPlaced.drop', message: 'expected the share of messages to drop, a number from 0 to 1' },
    ]);
    expect(bad.body.detail).toBe('body.OrderPlaced.drop: expected the share of messages to drop, a number from 0 to 1');
    const unknownType = await call<Problem>(
      'PUT',
      '/pilots/order-saga/faults',
      JSON.stringify({ OrderShipped: { stop: true } }),
    );
    expect(unknownType.body.errors?.[0]?.field).toBe('body.OrderShipped');
    expect(unknownType.body.errors?.[0]?.message).toMatch(/unknown event type; expected one of OrderPlaced, \*/);
    const notJson = await call<Problem>('PUT', '/pilots/order-saga/faults', '{drop');
    expect([notJson.status, notJson.body.errors]).toEqual([400, [{ field: 'body', message: 'expected JSON' }]]);
    expect(saga.traffic.faults()).toEqual({ OrderPlaced: { drop: 0.1 } });
    saga.traffic.setFaults({});
  });

  it('answers 404 for an unknown pilot or route and 405 for a wrong method', async () => {
    expect((await call<Problem>('PUT', '/pilots/nope/faults', '{}')).status).toBe(404);
    expect((await call<Problem>('GET', '/nope')).status).toBe(404);
    expect((await call<Problem>('POST', '/pilots')).status).toBe(405);
  });

  it('POST /incident sets the incident fault on card-fraud, keeps other faults, and DELETE ends only it', async () => {
    cardFraud.traffic.setFault('FraudScored', { duplicate: 0.01 });
    const started = await call<IncidentView>('POST', '/incident');
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({
      active: true,
      event_type: 'CardAuthorized',
      fault: { drop: 0.4, when: { network: 'visa' } },
      rules: CARD_FRAUD_INCIDENT.rules,
      started_at: '2025-01-01T09:00:00.000Z',
    });
    expect(cardFraud.traffic.faults()).toEqual({
      FraudScored: { duplicate: 0.01 },
      CardAuthorized: CARD_FRAUD_INCIDENT.fault,
    });
    expect((await call<IncidentView>('POST', '/incident')).status).toBe(200); // already running
    const stopped = await call<IncidentView>('DELETE', '/incident');
    expect(stopped.body).toMatchObject({ active: false, started_at: null });
    expect(cardFraud.traffic.faults()).toEqual({ FraudScored: { duplicate: 0.01 } });
    cardFraud.traffic.setFaults({});
  });

  it('`npm run incident` starts and stops it and says what to watch', async () => {
    const lines: string[] = [];
    const io = { controlUrl: control.url, dashboardUrl: 'http://127.0.0.1:8787/', out: (l: string) => lines.push(l) };
    expect(await incidentCommand([], io)).toBe(0);
    expect(cardFraud.traffic.faults().CardAuthorized).toEqual(CARD_FRAUD_INCIDENT.fault);
    const said = lines.join('\n');
    expect(said).toContain('http://127.0.0.1:8787/');
    expect(said).toContain('cards-published-per-request, every-request-scored');
    expect(said).toContain('npm run incident -- --stop');
    expect(await incidentCommand(['--stop'], io)).toBe(0);
    expect(cardFraud.traffic.faults()).toEqual({});
    expect(lines.at(-2)).toMatch(/^Card→Fraud incident stopped/);
  });

  it('says `npm start` is not running when nothing answers', async () => {
    const lines: string[] = [];
    expect(
      await incidentCommand([], { controlUrl: 'http://127.0.0.1:1', dashboardUrl: '', out: (l) => lines.push(l) }),
    ).toBe(1);
    expect(lines.join('\n')).toMatch(/is `npm start` running\?/);
  });

  it('the CLI sets one event type’s fault from flags next to the others, and clears it', async () => {
    const lines: string[] = [];
    const io = { controlUrl: control.url, dashboardUrl: '', out: (l: string) => lines.push(l) };
    expect(await cliCommand(['faults', 'set', 'card-fraud', 'FraudScored', '--duplicate', '0.2'], io)).toBe(0);
    expect(
      await cliCommand(
        [
          'faults',
          'set',
          'card-fraud',
          'CardAuthorized',
          '--drop',
          '0.5',
          '--when',
          'network=visa',
          '--delay',
          '2s',
          '--rename',
          'amount:value',
        ],
        io,
      ),
    ).toBe(0);
    expect(cardFraud.traffic.faults()).toEqual({
      FraudScored: { duplicate: 0.2 },
      CardAuthorized: {
        drop: 0.5,
        when: { network: 'visa' },
        delay_ms: 2000,
        schema: { rename: { from: 'amount', to: 'value' } },
      },
    });
    expect(await cliCommand(['faults', 'set', 'card-fraud', 'CardAuthorized', '--drop', 'lots'], io)).toBe(1);
    expect(lines.at(-1)).toMatch(/400 body\.CardAuthorized\.drop: expected the share of messages to drop/);
    expect(await cliCommand(['faults', 'clear', 'card-fraud', 'FraudScored'], io)).toBe(0);
    expect(Object.keys(cardFraud.traffic.faults())).toEqual(['CardAuthorized']);
    expect(await cliCommand(['faults', 'clear', 'card-fraud'], io)).toBe(0);
    expect(cardFraud.traffic.faults()).toEqual({});
    expect(await cliCommand(['faults', 'list'], io)).toBe(0);
    expect(lines.some((l) => l.startsWith('card-fraud  (card-service, fraud-service)'))).toBe(true);
    expect(await cliCommand(['faults', 'set', 'card-fraud', 'CardAuthorized', '--bogus'], io)).toBe(2);
  });

  it('faultFromFlags refuses what it cannot read', () => {
    expect(() => faultFromFlags([])).toThrow(/give at least one/);
    expect(() => faultFromFlags(['--slow', 'soon'])).toThrow(/--slow: expected a duration/);
    expect(() => faultFromFlags(['--rename', 'amount'])).toThrow(/--rename: expected FROM:TO/);
    expect(faultFromFlags(['--stop', '--slow', '250ms', '--remove', 'network'])).toEqual({
      stop: true,
      slow_consumer_ms: 250,
      schema: { remove: 'network' },
    });
  });
});
