// An alert's details (the evidence its rule recorded with the last transition) as labelled values a person reads:
// times as times, a window as its span, counts as counts, instead of a JSON dump with epoch milliseconds.

export type EvidenceValue =
  | { kind: 'time'; at: number }
  | { kind: 'span'; from: number; to: number }
  | { kind: 'count'; n: number }
  | { kind: 'number'; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'list'; items: string[]; more: number }
  | { kind: 'json'; text: string };

export interface EvidenceEntry {
  key: string;
  label: string;
  value: EvidenceValue;
}

/** Labels for the keys the rule types write (rules/evaluation/types); any other key is spelled out from its name. */
const LABELS: Record<string, string> = {
  window: 'Window',
  a: 'Events on a',
  b: 'Events on b',
  events: 'Events',
  repeated: 'Repeated events',
  last_seen: 'Last seen',
  history: 'Same window in past seasons',
  season: 'Season',
  keys: 'Keys expected',
  missing: 'Keys missing',
  group_by: 'Sliced by',
  slices: 'Slices',
  breached: 'Slices breached',
  dropped: 'Slices dropped',
  late_events: 'Late events',
  since: 'Since',
  last_stored_at: 'Last stored',
  lost: 'Lost',
  p_value: 'p-value',
  confidence: 'Confidence required',
};

/** Shown elsewhere on the page (the missing keys panel). */
const SHOWN_ELSEWHERE = new Set(['missing_sample']);
const LIST_LIMIT = 12;
// Epoch milliseconds between 2001 and 2286: a number in that range under a time-like key is a time.
const isEpochMs = (n: unknown): n is number => typeof n === 'number' && n >= 1e12 && n < 1e13;
const TIME_KEY = /(^|_)(at|since|seen|start|end|time)$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** A fraction as written, never rounded to a count: confidence 0.99999 (six significant digits, so a confidence
 * never reads as 1), p-value 1.0e-12. */
const fraction = (n: number) => (n !== 0 && Math.abs(n) < 1e-3 ? n.toExponential(1) : String(Number(n.toPrecision(6))));

const spelled = (key: string) => {
  const words = key.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

function valueOf(key: string, value: unknown): EvidenceValue {
  if (isEpochMs(value) && TIME_KEY.test(key)) return { kind: 'time', at: value };
  if (typeof value === 'string' && ISO_TIME.test(value) && !Number.isNaN(Date.parse(value)))
    return { kind: 'time', at: Date.parse(value) };
  if (typeof value === 'number')
    return Number.isInteger(value) ? { kind: 'count', n: value } : { kind: 'number', text: fraction(value) };
  if (typeof value === 'string' || typeof value === 'boolean') return { kind: 'text', text: String(value) };
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const { start, end } = value as { start?: unknown; end?: unknown };
    if (isEpochMs(start) && isEpochMs(end) && Object.keys(value).length === 2)
      return { kind: 'span', from: start, to: end };
  }
  if (Array.isArray(value) && value.every((v) => ['string', 'number'].includes(typeof v))) {
    const items = value.slice(0, LIST_LIMIT).map((v) => (typeof v === 'number' ? v.toLocaleString('en-US') : v));
    return { kind: 'list', items, more: value.length - items.length };
  }
  return { kind: 'json', text: JSON.stringify(value, null, 2) };
}

/** A ratio or completeness rule's two sides by the streams they count (its `watched_streams`, a then b), so the
 * evidence reads "Events on card.requests", not "Events on a"; sides that are not two different single streams (a
 * ratio of two event types on one stream, a side on every stream) keep their letters. */
function sideLabels(streams: readonly string[]): Record<string, string> {
  const [a, b] = streams;
  if (streams.length !== 2 || !a || !b || a === b || a === '*' || b === '*') return {};
  return { a: `Events on ${a}`, b: `Events on ${b}` };
}

/** The details as entries, or [] when there are none; text that is not JSON is one entry of its own. */
export function evidenceOf(details: unknown, streams: readonly string[] = []): EvidenceEntry[] {
  let parsed = details;
  if (typeof details === 'string') {
    if (details.trim() === '') return [];
    try {
      parsed = JSON.parse(details);
    } catch {
      return [{ key: 'details', label: 'Details', value: { kind: 'text', text: details } }];
    }
  }
  if (parsed === null || parsed === undefined) return [];
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    return [{ key: 'details', label: 'Details', value: valueOf('details', parsed) }];
  const labels = { ...LABELS, ...sideLabels(streams) };
  return Object.entries(parsed)
    .filter(([key, value]) => !SHOWN_ELSEWHERE.has(key) && value !== null && value !== undefined)
    .map(([key, value]) => ({ key, label: labels[key] ?? spelled(key), value: valueOf(key, value) }));
}
