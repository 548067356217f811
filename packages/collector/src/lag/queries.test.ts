// Against the embedded ClickHouse engine: what the lag API reads back from stored sampling rounds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@rollcall/core/config';
import { openStore, type Store } from '@rollcall/core/store';
import { tempDir } from '@rollcall/core/testing/brokers';
import { lagDetail, lagStep, latestLag, type LagListQuery, type LagOrder } from './queries.ts';
import { insertLagRound, type SampleRow, type StatusRow } from './records.ts';
import { LAG_STATUSES, type GroupLag, type LagStatus } from './status.ts';

const NOW = Math.floor(Date.now() / 1000) * 1000;
const EVERY = 10_000;
const ROUNDS = 60; // ten minutes of rounds ending at NOW

function kafkaRound(at: number, i: number): { samples: SampleRow[]; status: StatusRow } {
  const status: LagStatus = i < 20 ? 'OK' : i < 40 ? 'WARN' : 'STOP';
  const samples = [0, 1].map((partition) => ({
    at,
    broker: 'kafka' as const,
    cluster: 'local',
    group_name: 'billing',
    stream: 'orders',
    partition,
    committed: 1000 + i,
    log_start: 0,
    log_end: 1000 + i * 10 + partition,
    lag: i * 9 + partition,
    lag_seconds: i * 2,
    owner: partition === 0 ? 'billing-1' : '',
    unacked: 0,
    consumers: 1,
    publish_rate: 0,
    deliver_rate: 0,
    ack_rate: 0,
  }));
  return {
    samples,
    status: {
      at,
      broker: 'kafka',
      cluster: 'local',
      group_name: 'billing',
      status,
      reason: `${status} at round ${i}`,
      lag: i * 18 + 1,
      lag_seconds: i * 2,
      consumers: 1,
      streams: ['orders'],
      state: 'Stable',
    },
  };
}

describe('lag queries', () => {
  let store: Store;

  beforeAll(async () => {
    store = await openStore(
      parseConfig(
        `clickhouse: { data_dir: ${tempDir('rollcall-lag-queries')}, database: lag_queries }`,
        'queries.test.ts',
      ).clickhouse,
    );
    const samples: SampleRow[] = [];
    const statuses: StatusRow[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const at = NOW - (ROUNDS - 1 - i) * EVERY;
      const round = kafkaRound(at, i);
      samples.push(...round.samples);
      statuses.push(round.status);
      // a group that vanished half-way: it is not in the latest round
      if (i < 30) statuses.push({ ...round.status, group_name: 'retired', status: 'OK', reason: 'caught up', lag: 0 });
      // RabbitMQ rounds run on their own clock in this test
      const queueAt = at + 3;
      samples.push({
        at: queueAt,
        broker: 'rabbitmq',
        cluster: 'local',
        group_name: 'payments/fraud',
        stream: 'fraud',
        partition: -1,
        committed: -1,
        log_start: -1,
        log_end: -1,
        lag: 40 + i,
        lag_seconds: null,
        owner: '',
        unacked: 7,
        consumers: 0,
        publish_rate: 3.5,
        deliver_rate: 0,
        ack_rate: 0,
      });
      statuses.push({
        at: queueAt,
        broker: 'rabbitmq',
        cluster: 'local',
        group_name: 'payments/fraud',
        status: 'STOP',
        reason: 'no consumers',
        lag: 40 + i,
        lag_seconds: 0,
        consumers: 0,
        streams: ['cards'],
        state: '',
      });
    }
    await insertLagRound(store, samples, statuses);
  });

  afterAll(async () => {
    await store?.close();
  });

  it('lists every group and queue of the newest round of each broker, worst status first', async () => {
    const latest = await latestLag(store, NOW + 1000);
    expect(latest.at).toBe(new Date(NOW + 3).toISOString());
    expect(latest).toMatchObject({ total: 2, counts: { STOP: 2 } });
    expect(latest.groups).toEqual([
      {
        broker: 'kafka',
        cluster: 'local',
        group: 'billing',
        status: 'STOP',
        reason: 'STOP at round 59',
        lag: 59 * 18 + 1,
        lag_seconds: 118,
        consumers: 1,
        streams: ['orders'],
      },
      {
        broker: 'rabbitmq',
        cluster: 'local',
        group: 'payments/fraud',
        status: 'STOP',
        reason: 'no consumers',
        lag: 99,
        lag_seconds: 0,
        consumers: 0,
        streams: ['cards'],
      },
    ]);
  });

  it('reads as of `now` and answers nothing when no round is recent', async () => {
    const earlier = await latestLag(store, NOW - 45 * EVERY);
    expect(earlier.groups.map((g) => [g.group, g.reason])).toEqual([
      ['payments/fraud', 'no consumers'],
      ['billing', 'OK at round 14'],
      ['retired', 'caught up'],
    ]);
    expect(await latestLag(store, NOW + 2 * 3_600_000)).toEqual({ at: null, total: 0, counts: {}, groups: [] });
  });

  it('gives a group its partitions, a bucketed series and its status changes', async () => {
    const from = NOW - 10 * 60_000;
    const detail = await lagDetail(store, 'kafka', 'billing', from, NOW);
    expect(detail).toMatchObject({
      group: 'billing',
      status: 'STOP',
      lag: 59 * 18 + 1,
      at: new Date(NOW).toISOString(),
      step_seconds: 5,
    });
    expect(detail?.partitions).toEqual([
      {
        stream: 'orders',
        partition: 0,
        committed: 1059,
        log_start: 0,
        log_end: 1590,
        lag: 531,
        lag_seconds: 118,
        owner: 'billing-1',
        unacked: null,
        consumers: null,
        publish_rate: null,
        deliver_rate: null,
        ack_rate: null,
      },
      {
        stream: 'orders',
        partition: 1,
        committed: 1059,
        log_start: 0,
        log_end: 1591,
        lag: 532,
        lag_seconds: 118,
        owner: '',
        unacked: null,
        consumers: null,
        publish_rate: null,
        deliver_rate: null,
        ack_rate: null,
      },
    ]);
    expect(detail?.series).toHaveLength(ROUNDS);
    expect(detail?.series.at(-1)).toEqual({
      t: new Date(Math.floor(NOW / 5000) * 5000).toISOString(),
      lag: 59 * 18 + 1,
      lag_seconds: 118,
    });
    expect(detail?.statuses).toEqual([
      { t: new Date(NOW - 59 * EVERY).toISOString(), status: 'OK', reason: 'OK at round 0' },
      { t: new Date(NOW - 39 * EVERY).toISOString(), status: 'WARN', reason: 'WARN at round 20' },
      { t: new Date(NOW - 19 * EVERY).toISOString(), status: 'STOP', reason: 'STOP at round 40' },
    ]);
  });

  it('buckets long ranges to at most ~240 points, keeping the highest lag of each step', async () => {
    const detail = await lagDetail(store, 'kafka', 'billing', NOW - 7 * 86_400_000, NOW);
    expect(detail?.step_seconds).toBe(3600);
    const lags = detail?.series.map((s) => s.lag) ?? [];
    expect(lags.length).toBeLessThanOrEqual(2);
    expect(Math.max(...lags)).toBe(59 * 18 + 1);
    expect(lagStep(0, 30 * 86_400_000)).toBe(10_800);
    expect(lagStep(0, 31 * 86_400_000)).toBe(21_600);
  });

  it('starts the status list with the status the range opens in', async () => {
    const detail = await lagDetail(store, 'kafka', 'billing', NOW - 5 * EVERY, NOW);
    expect(detail?.statuses).toEqual([
      { t: new Date(NOW - 5 * EVERY).toISOString(), status: 'STOP', reason: 'STOP at round 54' },
    ]);
  });

  it('reports queue counters instead of offsets, and unknown groups as undefined', async () => {
    const queue = await lagDetail(store, 'rabbitmq', 'payments/fraud', NOW - 60_000, NOW + 1000);
    expect(queue?.partitions).toEqual([
      {
        stream: 'fraud',
        partition: -1,
        committed: null,
        log_start: null,
        log_end: null,
        lag: 99,
        lag_seconds: null,
        owner: null,
        unacked: 7,
        consumers: 0,
        publish_rate: 3.5,
        deliver_rate: 0,
        ack_rate: 0,
      },
    ]);
    expect(await lagDetail(store, 'kafka', 'payments/fraud', 0, NOW)).toBeUndefined();
    expect(await lagDetail(store, 'kafka', 'billing', 0, NOW - ROUNDS * EVERY)).toBeUndefined();
  });
});

// Many groups in rounds of their own, hours before the rounds above: the filters, order and page the query applies
// give what filtering, sorting and cutting the whole list in JavaScript gave before they moved into SQL.
describe('the latest round as a page', () => {
  const AT = NOW - 5 * 3_600_000;
  const STATUSES: LagStatus[] = ['OK', 'WARN', 'STALL', 'STOP', 'ERR', 'OK', 'WARN', 'OK'];
  const NAMES = ['g10', 'g2', 'G1', 'audit', 'Billing', 'billing-2', 'billing-10', 'émail', 'email', 'f_1', 'F1'];
  let store: Store;

  beforeAll(async () => {
    store = await openStore(
      parseConfig(`clickhouse: { data_dir: ${tempDir('rollcall-lag-page')}, database: lag_page }`, 'queries.test.ts')
        .clickhouse,
    );
    const rows: StatusRow[] = [];
    for (let i = 0; i < 66; i++) {
      const broker = i % 3 === 0 ? 'rabbitmq' : 'kafka';
      const status = STATUSES[i % STATUSES.length] ?? 'OK';
      const row: StatusRow = {
        at: AT,
        broker,
        cluster: i % 2 ? 'east' : 'west',
        group_name: `${NAMES[i % NAMES.length] ?? ''}${i >= NAMES.length ? `-${Math.floor(i / NAMES.length)}` : ''}`,
        status,
        reason: `round for ${i}`,
        lag: (i * 7) % 5, // ties on purpose, as are the times below
        lag_seconds: (i * 3) % 4,
        consumers: i % 3,
        streams: i % 4 ? ['orders'] : ['cards', 'card.requests'],
        state: '',
      };
      rows.push(row);
      // the round before, with another status: never part of the latest round
      rows.push({ ...row, at: AT - 10_000, status: 'ERR', reason: 'earlier' });
    }
    // a cluster whose last round is older than the others' still counts with that round
    rows.push({ ...(rows[0] as StatusRow), at: AT - 30_000, cluster: 'south', group_name: 'late', status: 'STALL' });
    await insertLagRound(store, [], rows);
  });

  afterAll(async () => {
    await store?.close();
  });

  // What GET /api/v1/lag did before the query did it: the whole round (worst first, then by name) filtered, sorted
  // stably and cut in JavaScript.
  function reference(all: GroupLag[], list: LagListQuery) {
    const rank = (g: GroupLag) => [...LAG_STATUSES].reverse().indexOf(g.status);
    const needle = list.q?.trim().toLowerCase() ?? '';
    const matching = all.filter(
      (g) =>
        (!list.broker || g.broker === list.broker) &&
        (!needle || `${g.group} ${g.streams.join(' ')}`.toLowerCase().includes(needle)),
    );
    const counts: Partial<Record<LagStatus, number>> = {};
    for (const g of matching) counts[g.status] = (counts[g.status] ?? 0) + 1;
    const shown = list.status ? matching.filter((g) => list.status?.includes(g.status)) : matching;
    const value: Record<LagOrder, (g: GroupLag) => string | number> = {
      worst: rank,
      broker: (g) => g.broker,
      group: (g) => g.group,
      lag: (g) => g.lag,
      lag_seconds: (g) => g.lag_seconds,
      consumers: (g) => g.consumers,
    };
    const compare = (a: string | number, b: string | number) =>
      typeof a === 'number' && typeof b === 'number'
        ? a - b
        : String(a).localeCompare(String(b), 'en', { numeric: true });
    const worst = (a: GroupLag, b: GroupLag) => rank(a) - rank(b) || b.lag_seconds - a.lag_seconds || b.lag - a.lag;
    const order = list.order;
    const sorted = [...shown].sort((a, b) => {
      if (!order) return 0;
      const c = order.by === 'worst' ? worst(a, b) : compare(value[order.by](a), value[order.by](b));
      return order.desc ? -c : c;
    });
    const offset = list.offset ?? 0;
    const end = list.limit === undefined ? undefined : offset + list.limit;
    return { total: shown.length, counts, groups: sorted.slice(offset, end) };
  }

  it('answers every filter, order and page as the whole list cut in JavaScript did', async () => {
    const all = await latestLag(store, AT + 1000);
    expect(all.total).toBe(67);
    expect(all.groups.filter((g) => g.reason === 'earlier')).toEqual([]);
    const orders: LagListQuery['order'][] = [
      undefined,
      ...(['worst', 'broker', 'group', 'lag', 'lag_seconds', 'consumers'] as const).flatMap((by) => [
        { by, desc: false },
        { by, desc: true },
      ]),
    ];
    const statuses: LagListQuery['status'][] = [undefined, ['WARN'], ['STALL', 'WARN'], ['OK', 'ERR', 'STOP']];
    const pages = [{}, { limit: 7, offset: 3 }, { limit: 5, offset: 100 }];
    let compared = 0;
    for (const order of orders)
      for (const status of statuses)
        for (const [q, broker] of [
          [undefined, undefined],
          ['  CARD.R ', undefined],
          ['billing', 'kafka'],
        ] as const)
          for (const page of pages) {
            const list: LagListQuery = { order, status, q, broker, ...page };
            const { total, counts, groups } = await latestLag(store, AT + 1000, list);
            expect({ total, counts, groups }, JSON.stringify(list)).toEqual(reference(all.groups, list));
            compared += groups.length;
          }
    expect(compared).toBeGreaterThan(1000);
  }, 120_000);

  it('pages a status filter: the total counts every match, the page holds the next rows in name order (2 before 10)', async () => {
    const page = await latestLag(store, AT + 1000, {
      status: ['WARN', 'STALL'],
      order: { by: 'group', desc: false },
      limit: 4,
      offset: 4,
    });
    expect(page.total).toBe(26);
    expect(page.counts).toEqual({ ERR: 8, STOP: 8, STALL: 9, WARN: 17, OK: 25 });
    expect(page.groups.map((g) => g.group)).toEqual(['billing-2-3', 'billing-2-4', 'billing-10', 'billing-10-1']);
  });
});
