// Ticks for a time axis, evenly spaced on round local times (every 30 s, 5 min, 1 h, 1 day …). Recharts' own ticks
// on a time domain are round numbers of milliseconds thinned where their labels collide, which spaced them unevenly
// (11:13, 11:15, 11:18, 11:20 on one axis).
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const STEPS = [
  ...[1, 2, 5, 10, 15, 30].map((n) => n * SECOND),
  ...[1, 2, 5, 10, 15, 30].map((n) => n * MINUTE),
  ...[1, 2, 3, 6, 12].map((n) => n * HOUR),
  ...[1, 2, 7, 14, 30].map((n) => n * DAY),
];

/** The ticks of the smallest round step that puts at most `maxTicks` of them in [first, last]. */
export function timeTicks(first: number, last: number, maxTicks: number): number[] {
  if (!(last > first) || maxTicks < 1) return [];
  // steps of a day or less fall on local time: minutes and hours of the viewer's clock, local midnights
  const offset = -new Date(first).getTimezoneOffset() * MINUTE;
  const startOf = (step: number) => Math.ceil((first + offset) / step) * step - offset;
  const countOf = (step: number) => Math.floor((last - startOf(step)) / step) + 1;
  const step = STEPS.find((s) => countOf(s) <= maxTicks) ?? (STEPS[STEPS.length - 1] as number);
  const ticks: number[] = [];
  for (let t = startOf(step); t <= last; t += step) ticks.push(t);
  return ticks;
}
