// An alert in a sentence an on-call engineer reads at a glance: "cards 18% below card.requests for 3 min".
import { largestUnits, type DurationUnit } from '../../lib/format.ts';
import type { Evaluation } from '../rules/queries.ts';
import type { Alert } from './queries.ts';

const WORD_UNIT: Record<DurationUnit, string> = { day: 'day', hour: 'h', minute: 'min', second: 's' };

/** 3 min, 40 s, 2 h 5 min, 1 day 3 h: the two largest units, in words. */
export function inWords(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  if (total < 60) return `${total} s`;
  return largestUnits(total)
    .map(({ n, unit }) => `${n} ${WORD_UNIT[unit]}${unit === 'day' && n > 1 ? 's' : ''}`)
    .join(' ');
}

/** A ratio to three significant digits: 0.823, 1.00, 12.5. */
export const formatRatio = (v: number): string => (Number.isFinite(v) ? (v === 0 ? '0' : v.toPrecision(3)) : '–');

/** A share as a percentage: 18%, 4.5%, 0.3%. */
export function formatPercent(share: number): string {
  const pct = Math.abs(share * 100);
  return `${pct >= 10 ? Math.round(pct) : pct >= 1 ? pct.toFixed(1).replace(/\.0$/, '') : pct.toPrecision(1)}%`;
}

/** A stream's short name: the part after the prefix the rule's streams share ("rc-1.cards" beside
 * "rc-1.card.requests" → "cards"), so a sentence names what differs. */
export function shortNames(streams: string[]): string[] {
  if (streams.length < 2) return streams;
  const parts = streams.map((s) => s.split('.'));
  let shared = 0;
  while (parts.every((p) => p.length > shared + 1 && p[shared] === parts[0]?.[shared])) shared++;
  return parts.map((p) => p.slice(shared).join('.'));
}

export const isRatioRule = (type: string) => type === 'ratio';
/** Rules whose value is a share of messages, shown in %. */
export const isPercentRule = (type: string) => type === 'completeness' || type === 'duplicates';

/** The value as its rule means it: a ratio to 3 significant digits, a share in %, seconds in words, else a count. */
export function formatValue(ruleType: string, v: number): string {
  if (isRatioRule(ruleType)) return formatRatio(v);
  if (isPercentRule(ruleType)) return `${formatRatio(v)}%`;
  if (ruleType === 'freshness') return inWords(v * 1000);
  return Number.isInteger(v) ? v.toLocaleString('en-US') : formatRatio(v);
}

/** What is wrong, in words, from the latest judged window (or the alert's own numbers when there is none). */
export function describeProblem(alert: Alert, latest?: Evaluation): string {
  const value = latest?.value ?? alert.value;
  const [a = alert.stream, b = a] = shortNames(alert.watched_streams);
  const lo = latest?.lo ?? null;
  const hi = latest?.hi ?? null;
  switch (alert.rule_type) {
    case 'ratio': {
      // Around 1 (b should carry what a carries) the ratio reads as a share of a; elsewhere as the ratio itself.
      if ((lo ?? 0) <= 1 && (hi ?? Infinity) >= 1 && value !== 1)
        return `${b} ${formatPercent(Math.abs(1 - value))} ${value < 1 ? 'below' : 'above'} ${a}`;
      return `${b} per ${a} at ${formatRatio(value)}, expected ${lo !== null && hi !== null ? `${formatRatio(lo)}–${formatRatio(hi)}` : lo !== null ? `at least ${formatRatio(lo)}` : `at most ${formatRatio(hi ?? alert.threshold)}`}`;
    }
    case 'baseline': {
      const expected = latest?.expected ?? null;
      if (expected && expected > 0)
        return `${a} ${formatPercent(Math.abs(value - expected) / expected)} ${value < expected ? 'below' : 'above'} its usual ${Math.round(expected).toLocaleString('en-US')}`;
      return `${a} at ${formatValue('baseline', value)} against its usual`;
    }
    case 'volume': {
      // the rule's expectation names its window ("at most 5 per 10s")
      const per = / per (\S+)$/.exec(alert.expected)?.[1];
      return `${a} at ${formatValue('volume', value)}${per ? ` per ${per}` : ''}, ${value < alert.threshold ? 'under the floor of' : 'over the ceiling of'} ${formatValue('volume', alert.threshold)}`;
    }
    case 'completeness':
      return `${formatPercent(value / 100)} of ${a} messages never reached ${b}`;
    case 'freshness':
      return `${a} silent for ${inWords(value * 1000)}`;
    case 'duplicates':
      return `${formatPercent(value / 100)} of ${a} messages are duplicates`;
    default:
      return alert.summary;
  }
}

/** "cards 18% below card.requests for 3 min": the problem and how long the alert has been active. */
export function alertSentence(alert: Alert, now: number, latest?: Evaluation): string {
  return `${describeProblem(alert, latest)} for ${inWords(now - Date.parse(alert.active_at))}`;
}
