// A value axis people read at a glance: ticks at round steps (1, 2, 2.5 or 5 × a power of ten) and a domain that
// ends on them, instead of recharts's even fifths of an arbitrary range (0.788, 0.863, 0.938 …).

const STEPS = [1, 2, 2.5, 5, 10];

/** 12 significant digits drop the float noise of multiplying or subtracting steps (0.1 * 3 = 0.30000000000000004). */
const clean = (v: number) => Number(v.toPrecision(12));

/** The round step that cuts `span` into at most `count` intervals. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = STEPS.find((s) => s * power >= raw - 1e-12 * power) ?? 10;
  return step * power;
}

/** A domain widened to round steps around [lo, hi], and the ticks on it; `minStep` 1 keeps counts and seconds
 * on whole numbers. */
export function niceScale(
  lo: number,
  hi: number,
  count = 4,
  minStep = 0,
): { domain: [number, number]; ticks: number[] } {
  const span = hi - lo || Math.abs(hi) || 1;
  const step = Math.max(minStep, niceStep(span, count));
  // the same float noise in lo / step (0.3 / 0.1 = 2.9999999999999996) must not add a step below or above
  const from = clean(Math.floor(clean(lo / step)) * step);
  const to = clean(Math.max(Math.ceil(clean(hi / step)) * step, from + step));
  const ticks: number[] = [];
  for (let i = 0; clean(from + i * step) <= to; i++) ticks.push(clean(from + i * step));
  return { domain: [from, to], ticks };
}

/** The decimals every tick label needs to show its axis's step (0.1 → 1, 0.25 → 2, 5 → 0). */
export function stepDecimals(ticks: number[]): number {
  if (ticks.length < 2) return 0;
  const step = clean((ticks[1] as number) - (ticks[0] as number));
  return String(step).split('.')[1]?.length ?? 0;
}
