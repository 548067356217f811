// Durations in config, rule files, CLI flags and API parameters are written the way operators say them: "500ms",
// "10s", "5m", "1h", "7d". Here, at the bottom of the graph, because the contract and the config share the syntax.
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;

/** Milliseconds, or undefined when the text is not a duration or is too large to be an exact millisecond count
 * (`999…9d` would otherwise become Infinity and poison every sum and timer it reaches). */
export function parseDuration(text: string): number | undefined {
  const match = PATTERN.exec(text.trim());
  if (!match) return undefined;
  const [, amount, unit] = match;
  const ms = Number(amount) * (UNIT_MS[unit ?? ''] ?? Number.NaN);
  return Number.isFinite(ms) && ms <= Number.MAX_SAFE_INTEGER ? ms : undefined;
}

/** "30d" for 30 days: the largest unit that divides the duration exactly, for limits quoted back to operators. */
export function formatDuration(ms: number): string {
  const exact = Object.entries(UNIT_MS)
    .filter(([unit]) => unit !== 'w')
    .reverse()
    .find(([, size]) => ms % size === 0);
  return exact ? `${ms / exact[1]}${exact[0]}` : `${ms}ms`;
}

export const DURATION_HINT = 'a duration such as 500ms, 10s, 5m, 1h or 7d';
