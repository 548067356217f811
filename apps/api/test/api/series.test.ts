// True numbers in the series: the bucket still filling is marked partial, and time before the first message or
// while no tap watched is a gap (null), never a zero; a watched silence is a zero.
import { describe, expect, it } from 'vitest';
import { eventRow } from '@rollcall/core/testing/event-row';
import { insertHeartbeats } from '@rollcall/core/store/coverage';
import { seriesResponse, type SeriesResponse } from '@rollcall/contract/series';
import { NOW, VIEWER, useFixture } from './fixture.ts';

const S = 1000;
const M = 60_000;
/** A stretch 20 minutes back, on the minute. */
const B = Math.floor(NOW / M) * M - 20 * M;
const FROM = B;
const TO = B + 10 * M + 17 * S;
const UNWATCHED: [number, number] = [B + 5 * M, B + 7 * M];
const SILENT: [number, number] = [B + 8 * M, B + 9 * M];
const FIRST = B + 3 * M;
const inside = (t: number, [a, b]: [number, number]) => t >= a && t < b;

const f = useFixture(async (api) => {
  const beats = [];
  for (let at = B + 2 * M; at <= B + 10 * M + 15 * S; at += 5 * S)
    if (!inside(at, UNWATCHED)) beats.push({ tap: 'rabbitmq/local', at, up: true, watermark: at - 3 * S, reason: '' });
  await insertHeartbeats(api.store, beats);
  const rows = [];
  for (let at = FIRST, i = 0; at <= B + 10 * M + 15 * S; at += 2 * S, i++) {
    if (inside(at, UNWATCHED) || inside(at, SILENT)) continue;
    rows.push(
      eventRow(at, {
        broker_ts: at,
        broker: 'rabbitmq',
        stream: 'gaps',
        routing_key: i % 2 ? 'card.authorized.visa' : 'card.authorized.amex',
        offset: i,
        message_id: `g${i}`,
      }),
    );
  }
  await api.store.insertEvents(rows, 'series-test', 1);
});

async function get(query: string): Promise<SeriesResponse> {
  const res = await f.request(`/api/v1/series?broker=rabbitmq&stream=gaps&from=${FROM}&to=${TO}&${query}`, {
    token: VIEWER,
  });
  const body: unknown = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(200);
  return seriesResponse.parse(body);
}

const at = (s: SeriesResponse['series'][number] | undefined, t: number) => s?.points.find((p) => Date.parse(p.t) === t);

describe('series: true numbers', () => {
  it('marks the bucket still filling as partial, from the oldest tap watermark on', async () => {
    const body = await get('by=stream');
    expect(body.step_seconds).toBe(5);
    // The newest heartbeat (at +10m15s) says everything before +10m12s is stored.
    expect(body.complete_until).toBe(new Date(B + 10 * M + 12 * S).toISOString());
    const [s] = body.series;
    expect(s?.points.at(-1)).toMatchObject({ t: new Date(B + 10 * M + 15 * S).toISOString(), partial: true });
    expect(at(s, B + 10 * M + 10 * S)?.partial).toBe(true);
    expect(at(s, B + 10 * M + 5 * S)?.partial).toBe(false);
    expect(s?.points.filter((p) => p.partial)).toHaveLength(2);
  });

  it('draws gaps before the first message and while no tap watched, and zeros in a watched silence', async () => {
    const body = await get('by=routing_key');
    expect(body.first_data).toBe(new Date(FIRST).toISOString());
    expect(body.series.map((s) => s.key).sort()).toEqual(['card.authorized.amex', 'card.authorized.visa']);
    for (const s of body.series) {
      // The tap watched from +2m, but nothing had been published yet: a gap, not a zero.
      expect(at(s, B + 2 * M + 30 * S)).toMatchObject({ count: null, msg_per_sec: null });
      expect(at(s, B + M)).toMatchObject({ count: null });
      expect(at(s, B + 6 * M)).toMatchObject({ count: null, msg_per_sec: null, bytes: null });
      expect(
        s.points
          .filter((p) => inside(Date.parse(p.t), [UNWATCHED[0], UNWATCHED[1] - 5 * S]))
          .every((p) => p.count === null),
      ).toBe(true);
      expect(at(s, B + 8 * M + 30 * S)).toMatchObject({ count: 0, msg_per_sec: 0 });
      expect(at(s, B + 4 * M)?.count).toBeGreaterThan(0);
    }
  });

  it('sets each slice against its usual share of the stream now, the share from its previous hour when no week-old data exists', async () => {
    const body = await get('by=routing_key&baseline=true');
    expect(body.baseline?.kind).toBe('previous');
    expect(body.baseline?.label).toBe(
      "mean of the previous hour (time with data), as a share of the stream's traffic now",
    );
    const visa = body.series.find((s) => s.key === 'card.authorized.visa');
    const amex = body.series.find((s) => s.key === 'card.authorized.amex');
    // Each slice had 0.25 msg/s for 3.5 of the 4.5 watched minutes since the first message (a mean of 0.194, half
    // of the stream). After the silence the stream runs at about 0.5 msg/s: the slices' expectations add up to
    // what the stream carries in that bucket, half each, not to their diluted means; in a whole-stream silence no
    // slice is expected to be busy.
    const t = B + 9 * M + 30 * S;
    const [v, a] = [at(visa, t), at(amex, t)];
    expect((v?.baseline_msg_per_sec ?? 0) + (a?.baseline_msg_per_sec ?? 0)).toBeCloseTo(
      (v?.msg_per_sec ?? 0) + (a?.msg_per_sec ?? 0),
      6,
    );
    expect(
      (v?.baseline_msg_per_sec ?? 0) / ((v?.baseline_msg_per_sec ?? 0) + (a?.baseline_msg_per_sec ?? 0)),
    ).toBeCloseTo(0.5, 1);
    expect(at(visa, B + 8 * M + 30 * S)?.baseline_msg_per_sec).toBe(0);
    expect(at(visa, B + 3 * M + 30 * S)?.baseline_msg_per_sec).toBeNull();
    expect(Math.abs(visa?.recent?.change ?? 1)).toBeLessThan(0.15); // no slice dropped: near its expectation
  });

  it('refuses a routing-key breakdown without a stream or over more than a day', async () => {
    expect((await f.request(`/api/v1/series?by=routing_key&range=1h`, { token: VIEWER })).status).toBe(400);
    expect((await f.request(`/api/v1/series?by=routing_key&stream=gaps&range=2d`, { token: VIEWER })).status).toBe(400);
  });
});

describe('largest drops', () => {
  it('compares the last complete minute with a week earlier, else with the time with data in the hour before', async () => {
    const { dropsResponse } = await import('@rollcall/contract/drops');
    const res = await f.request('/api/v1/drops', { token: VIEWER });
    const body = dropsResponse.parse(await res.json());
    expect(res.status).toBe(200);
    // The fixture's orders ran for two minutes, five minutes ago, and stopped; payments also ran a week earlier.
    const minute = Date.parse(body.minute.from);
    const orders = body.drops.find((d) => d.stream === 'orders');
    expect(orders).toMatchObject({ broker: 'kafka', msg_per_sec: 0, baseline: 'previous', change: -1 });
    // From the first order's event time (its broker time, 3 ms before it was seen).
    expect(orders?.baseline_from).toBe(new Date(NOW - 5 * M - 3).toISOString());
    expect(orders?.baseline_msg_per_sec).toBeCloseTo(120 / ((minute - (NOW - 5 * M - 3)) / 1000), 3);
    expect(body.drops.find((d) => d.stream === 'payments')).toMatchObject({ baseline: 'week', change: -1 });
    // Both fell to nothing, but only orders' fall is news: payments ran at half a message a minute a week earlier,
    // so a minute without one is what that rate gives 61% of the time (e^-0.5).
    expect(orders?.significant).toBe(true);
    expect(orders?.p_value).toBeLessThan(1e-12);
    const payments = body.drops.find((d) => d.stream === 'payments');
    expect(payments?.significant).toBe(false);
    expect(payments?.p_value).toBeCloseTo(Math.exp(-0.5), 6);
    expect(body.drops.map((d) => d.stream)).toEqual(['orders', 'payments']);
    expect(Date.parse(body.minute.to)).toBeLessThanOrEqual(NOW);
  });
});
