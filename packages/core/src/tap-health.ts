// Whether each tap is watching: up and storing, or not (crashed, reconnecting, stalled, firehose off). Taps
// report here; /readyz, the `rollcall_tap_up` metrics and the built-in `rollcall-tap-health` alert read it. A tap
// that is down means "Rollcall is not watching", never "nothing was published".
export interface TapCheck {
  /** `kafka`, or `rabbitmq/<vhost>`: one entry per thing that can fail on its own. */
  tap: string;
  up: boolean;
  /** Why it is down ('' while up). */
  reason: string;
  /** ms since epoch when it last changed between up and down. */
  since: number;
  /** ms since epoch of its last stored batch; 0 before the first. */
  lastStoredAt: number;
  /** Messages the broker dropped or never traced while this tap could not see them, where the broker knows. */
  lost: number;
  /** ms since epoch: every event up to this time that this tap can see is stored (0: unknown). Rules judge a
   * window only once the watermarks of the taps feeding it are past its end. */
  watermark: number;
}

export interface TapHealth {
  up(tap: string): void;
  down(tap: string, reason: string): void;
  /** A batch of `tap` (or of `<tap>/…`) is stored. */
  stored(tap: string, at?: number): void;
  /** The tap has stored everything up to `at` (it never moves back). */
  watermark(tap: string, at: number): void;
  /** Messages lost to the tap that the broker could count (firehose off, tap queue overflow); the reporter logs
   * the reason. */
  lost(tap: string, messages: number, reason: string): void;
  checks(): TapCheck[];
}

export interface TapHealthOptions {
  now?: () => number;
  /** A tap that has rows waiting but stored nothing for this long is stalled. */
  stallMs?: number;
  /** Rows a tap holds that are not stored yet (a stall is only a stall with work waiting). */
  backlog?: (tap: string) => number;
  /** Called when a tap goes up or down. */
  onChange?: (check: TapCheck) => void;
}

export function createTapHealth({
  now = Date.now,
  stallMs = 60_000,
  backlog = () => 0,
  onChange,
}: TapHealthOptions = {}): TapHealth {
  const taps = new Map<string, TapCheck>();
  const entry = (tap: string): TapCheck => {
    let found = taps.get(tap);
    if (!found) {
      found = { tap, up: false, reason: 'starting', since: now(), lastStoredAt: 0, lost: 0, watermark: 0 };
      taps.set(tap, found);
    }
    return found;
  };
  const set = (tap: string, up: boolean, reason: string) => {
    const check = entry(tap);
    if (check.up === up && check.reason === reason) return;
    if (check.up !== up) check.since = now();
    check.up = up;
    check.reason = reason;
    onChange?.({ ...check });
  };
  /** Stalled is derived when read, so a tap whose process is wedged cannot forget to report it. */
  const view = (check: TapCheck): TapCheck => {
    const idleFor = now() - Math.max(check.lastStoredAt, check.since);
    if (check.up && backlog(check.tap) > 0 && idleFor > stallMs) {
      return {
        ...check,
        up: false,
        reason: `stalled: rows waiting and nothing stored for ${Math.round(idleFor / 1000)} s`,
      };
    }
    return { ...check };
  };
  return {
    up: (tap) => set(tap, true, ''),
    down: (tap, reason) => set(tap, false, reason),
    stored(tap, at = now()) {
      entry(tap).lastStoredAt = at;
      // A broker's tap stores for all its parts (a RabbitMQ tap for every vhost) through one writer.
      for (const check of taps.values()) if (check.tap.startsWith(`${tap}/`)) check.lastStoredAt = at;
    },
    watermark(tap, at) {
      const check = entry(tap);
      check.watermark = Math.max(check.watermark, at);
    },
    lost(tap, messages) {
      entry(tap).lost += messages;
    },
    checks: () => [...taps.values()].map(view),
  };
}
