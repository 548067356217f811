// Drives a producer at a steady, jittered rate. Ticks run concurrently (up to a bound) so a slow broker round
// trip does not lower the rate; stop() waits for the ticks in flight.
import type { Logger } from '@rollcall/core/log';

export interface Pace {
  stop(): Promise<void>;
}

const MAX_IN_FLIGHT = 200;

export function startPace({
  ratePerSecond,
  tick,
  log,
  random = Math.random,
}: {
  ratePerSecond: number;
  tick: () => Promise<void>;
  log: Logger;
  random?: () => number;
}): Pace {
  const interval = 1000 / Math.max(ratePerSecond, 0.01);
  const inFlight = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const next = () => {
    if (stopped) return;
    if (inFlight.size < MAX_IN_FLIGHT) {
      const run: Promise<void> = tick()
        .catch((err: unknown) => log.warn('pilot tick failed', { err }))
        .finally(() => inFlight.delete(run));
      inFlight.add(run);
    }
    // ±50% jitter around the mean keeps the rate and looks like real arrivals rather than a metronome
    timer = setTimeout(next, interval * (0.5 + random()));
  };
  timer = setTimeout(next, interval * random());
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await Promise.all(inFlight);
    },
  };
}
