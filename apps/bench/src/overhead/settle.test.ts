import { describe, expect, it, vi } from 'vitest';
import { settle, type SettleDeps } from './settle.ts';
import type { ProgressRequest, TapProgress } from './tap-child.ts';

interface Script {
  depths: number[];
  rows: number[];
  backlogs?: number[];
  counted?: number[];
}

/** A tap whose queue depth, stored and held rows and counted deliveries follow scripts (the last value repeats),
 * on a clock only sleep moves. */
function fake(script: Script, timeoutMs = 60_000) {
  let now = 0;
  let cpu = 0;
  const next = (xs: number[] | undefined) => (xs && xs.length > 1 ? (xs.shift() ?? 0) : (xs?.[0] ?? 0));
  const progress = vi.fn(async (request: ProgressRequest = {}): Promise<TapProgress> => {
    cpu += 10;
    return {
      rows: next(script.rows),
      backlog: next(script.backlogs),
      cpuMicros: cpu,
      queues: request.countDeliveries
        ? { publishes: 0, deliveriesTraced: 0, deliveriesCounted: next(script.counted) }
        : undefined,
    };
  });
  const onDrained = vi.fn();
  const deps = (countsDeliveries: boolean): SettleDeps => ({
    tap: { progress },
    tapQueueDepth: async () => next(script.depths),
    expectedRows: 1000,
    queuePrefix: 'rollcall-bench-x-',
    countsDeliveries,
    timeoutMs,
    onDrained,
    clock: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  });
  return { deps, progress, onDrained, at: () => now };
}

describe('settle', () => {
  it('waits for as many rows as the phase made with nothing left queued or held, though the queue was empty before', async () => {
    // The broker routes trace messages into the tap queue after the load ended: it reads empty, then fills again.
    const f = fake({ depths: [0, 300, 0, 0], rows: [600, 600, 700, 1000, 1000], backlogs: [0, 0, 0, 50, 0] });
    const s = await settle(f.deps(false));
    expect(s.rowsAtEnd).toBe(600);
    // Polls: (0, 600) early, (300, 700), (0, 1000, 50 held), (0, 1000, 0) drained: three sleeps in.
    expect(s.drainMs).toBe(750);
    expect(s.quiet).toBeUndefined();
    expect(f.onDrained).toHaveBeenCalledOnce();
    expect(f.progress.mock.calls.some(([r]) => r?.countDeliveries)).toBe(false);
  });

  it('with deliveries counted, ends once the counter reads the same total a statistics interval apart', async () => {
    const f = fake({ depths: [0], rows: [1000], counted: [900, 1000, 1000] });
    const s = await settle(f.deps(true));
    expect(s.drainMs).toBe(0);
    expect(s.quiet).toBe(true);
    expect(f.progress).toHaveBeenLastCalledWith({ queuePrefix: 'rollcall-bench-x-', countDeliveries: true });
    // Three counting rounds 6 s apart.
    expect(f.at()).toBe(2 * 6000);
  });

  it('gives up at the timeout: not drained, not quiet', async () => {
    const f = fake({ depths: [0], rows: [999], counted: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] }, 20_000);
    const s = await settle(f.deps(true));
    expect(s.drainMs).toBeNull();
    expect(s.quiet).toBe(false);
    expect(f.onDrained).toHaveBeenCalledOnce();
    expect(f.at()).toBeLessThanOrEqual(20_000 + 250);
  });
});
