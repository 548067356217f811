// Numbers, sizes, durations and times the way an operator reads them: 1.2k msg/s, 3m 12s, local time.

const UNITS = ['', 'k', 'M', 'G', 'T'];

/** 0.42, 12, 1.2k, 34k, 5.6M: three significant digits at most, SI suffix. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const sign = value < 0 ? '−' : '';
  let n = Math.abs(value);
  if (n === 0) return '0';
  if (n < 1) return sign + (n < 0.01 ? n.toExponential(0) : n.toFixed(2).replace(/0$/, ''));
  let unit = 0;
  while (n >= 999.5 && unit < UNITS.length - 1) {
    n /= 1000;
    unit++;
  }
  const digits = n >= 100 || unit === 0 ? 0 : n >= 10 ? 0 : 1;
  const text = unit === 0 && n < 100 && !Number.isInteger(n) ? n.toFixed(1).replace(/\.0$/, '') : n.toFixed(digits);
  return `${sign}${text}${UNITS[unit]}`;
}

export const formatRate = (perSecond: number | null | undefined) =>
  perSecond === null || perSecond === undefined || !Number.isFinite(perSecond)
    ? '–'
    : `${formatNumber(perSecond)} msg/s`;

/** Exact counts: 1,234,567. Counts are the product's promise, so they are never rounded. */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return Math.round(value).toLocaleString('en-US');
}

export function formatBytes(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let n = Math.abs(value);
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit++;
  }
  return `${value < 0 ? '−' : ''}${unit === 0 ? n.toFixed(0) : n.toFixed(n >= 100 ? 0 : 1)} ${units[unit]}`;
}

export type DurationUnit = 'day' | 'hour' | 'minute' | 'second';

/** Whole `seconds` in their largest unit, and the next one down unless it is zero: [2 day, 4 hour], [3 minute].
 * None for 0. */
export function largestUnits(seconds: number): { n: number; unit: DurationUnit }[] {
  const parts: { n: number; unit: DurationUnit }[] = [
    { n: Math.floor(seconds / 86_400), unit: 'day' },
    { n: Math.floor((seconds % 86_400) / 3600), unit: 'hour' },
    { n: Math.floor((seconds % 3600) / 60), unit: 'minute' },
    { n: seconds % 60, unit: 'second' },
  ];
  const first = parts.findIndex((p) => p.n > 0);
  return first < 0 ? [] : parts.slice(first, first + 2).filter((p, i) => i === 0 || p.n > 0);
}

const SHORT_UNIT: Record<DurationUnit, string> = { day: 'd', hour: 'h', minute: 'm', second: 's' };

/** 45s, 3m 12s, 2h 5m, 3d 4h: the two largest units, floor. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  const total = Math.max(0, Math.floor(ms / 1000));
  if (total < 60) return `${total}s`;
  return largestUnits(total)
    .map(({ n, unit }) => `${n}${SHORT_UNIT[unit]}`)
    .join(' ');
}

/** A lag in seconds on a chart's axis and in its tooltip: below ten seconds a fraction shows (0.4 s of lag is not
 * "0s", and an axis of 0.2 s steps read 0s, 0s, 0s, 1s, 1s), above that as formatDuration. */
export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  if (seconds > 0 && seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  if (seconds < 10 && !Number.isInteger(seconds)) return `${seconds.toFixed(1).replace(/\.0$/, '')}s`;
  return formatDuration(seconds * 1000);
}

/** A chance in words a reader can weigh: 23%, 1 in 4,000, under 1 in a billion. */
export function formatProbability(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '–';
  if (p >= 0.01) return `${Math.round(p * 100)}%`;
  if (p >= 1e-9) return `1 in ${formatCount(Math.round(1 / p))}`;
  return 'under 1 in a billion';
}

/** +12%, −23%, or – when there is nothing to compare with. */
export function formatChange(change: number | null | undefined): string {
  if (change === null || change === undefined || !Number.isFinite(change)) return '–';
  const pct = change * 100;
  const text =
    Math.abs(pct) >= 10 ? Math.round(Math.abs(pct)).toString() : Math.abs(pct).toFixed(1).replace(/\.0$/, '');
  if (text === '0') return '0%';
  return `${pct < 0 ? '−' : '+'}${text}%`;
}

const pad = (n: number) => n.toString().padStart(2, '0');

/** Local wall-clock time; the date is added when it is not today. */
export function formatTime(at: string | number | Date, now: Date = new Date()): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return '–';
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const sameDay =
    d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
  return sameDay ? time : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

/** The UTC form shown on hover. */
export function formatUtc(at: string | number | Date): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime())
    ? ''
    : `${d
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, '')} UTC`;
}

/** Axis ticks: HH:mm:ss under ten minutes, HH:mm up to a day, MM-DD HH:mm up to a week, then MM-DD. */
export function formatTick(ms: number, spanMs: number): string {
  const d = new Date(ms);
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (spanMs < 600_000) return `${hm}:${pad(d.getSeconds())}`;
  if (spanMs <= 86_400_000 * 1.01) return hm;
  const md = `${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return spanMs <= 7 * 86_400_000 * 1.01 ? `${md} ${hm}` : md;
}

/** Overlapping or touching spans merged into one, so shading does not darken where windows overlap. */
export function mergeSpans(spans: { from: number; to: number }[]): { from: number; to: number }[] {
  const sorted = [...spans].sort((a, b) => a.from - b.from);
  const merged: { from: number; to: number }[] = [];
  for (const s of sorted) {
    const last = merged[merged.length - 1];
    if (last && s.from <= last.to) last.to = Math.max(last.to, s.to);
    else merged.push({ ...s });
  }
  return merged;
}

/** Ratios to three significant digits: 0.823, 1.05, 12.3 (never an SI suffix: a ratio of 1.2k reads as a count). */
export function formatRatio(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  if (value === 0) return '0';
  const text =
    Math.abs(value) >= 1000 ? Math.round(value).toLocaleString('en-US') : Number(value.toPrecision(3)).toString();
  return text.replace(/^-/, '−');
}

/** A fraction as a percentage to three significant digits at most: 0.182 → 18.2%, 0.5 → 50%, 1.234 → 123%. */
export function formatPercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '–';
  return `${formatRatio(fraction * 100)}%`;
}

/** Durations in words, the two largest units: 45 seconds, 3 minutes, 1 hour 5 minutes, 2 days 4 hours. */
export function formatDurationWords(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  const parts = largestUnits(Math.max(0, Math.round(ms / 1000)));
  if (parts.length === 0) return '0 seconds';
  return parts.map(({ n, unit }) => `${n} ${unit}${n === 1 ? '' : 's'}`).join(' ');
}
