import { describe, expect, it } from 'vitest';
import { createTapHealth } from './tap-health.ts';

describe('tap health', () => {
  it('is stalled only with rows waiting and nothing stored for stallMs, by the broker tap or any of its parts', () => {
    let clock = 1_000_000;
    let waiting = 5;
    const health = createTapHealth({ now: () => clock, stallMs: 60_000, backlog: () => waiting });
    health.up('rabbitmq');
    health.up('rabbitmq/sec');
    clock += 30_000;
    health.stored('rabbitmq'); // the one writer stores for every vhost
    clock += 50_000;
    expect(health.checks().map((c) => c.up)).toEqual([true, true]);
    clock += 20_000;
    expect(health.checks().map((c) => [c.up, c.reason.replace(/\d+ s/, 'N s')])).toEqual([
      [false, 'stalled: rows waiting and nothing stored for N s'],
      [false, 'stalled: rows waiting and nothing stored for N s'],
    ]);
    waiting = 0; // idle, not stalled
    expect(health.checks().every((c) => c.up)).toBe(true);
  });

  it('keeps the highest watermark and the reason a tap went down', () => {
    const health = createTapHealth({ now: () => 5 });
    health.watermark('kafka', 100);
    health.watermark('kafka', 90);
    health.down('kafka', 'consumer crashed: x');
    expect(health.checks()).toEqual([
      { tap: 'kafka', up: false, reason: 'consumer crashed: x', since: 5, lastStoredAt: 0, lost: 0, watermark: 100 },
    ]);
  });
});
