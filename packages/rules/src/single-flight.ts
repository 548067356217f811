// A timer-driven pass that must never overlap itself: a call while one runs joins it instead of starting
// another. Errors are logged, not thrown, since a timer is the usual caller.
export interface SingleFlight {
  run(): Promise<void>;
  /** The pass under way, for stop() to wait on. */
  current(): Promise<void> | undefined;
}

export function singleFlight(work: () => Promise<void>, onError: (err: unknown) => void): SingleFlight {
  let running: Promise<void> | undefined;
  return {
    run() {
      running ??= work()
        .catch(onError)
        .finally(() => {
          running = undefined;
        });
      return running;
    },
    current: () => running,
  };
}
