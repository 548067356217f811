// Durations in config and CLI flags are written the way operators say them: "500ms", "10s", "5m", "1h", "7d".
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;

export function parseDuration(text: string): number | undefined {
  const match = PATTERN.exec(text.trim());
  if (!match) return undefined;
  const [, amount, unit] = match;
  return Number(amount) * (UNIT_MS[unit ?? ''] ?? Number.NaN);
}

export const DURATION_HINT = 'a duration such as 500ms, 10s, 5m, 1h or 7d';
