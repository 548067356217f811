// The per-minute rollup rows of one batch, aggregated by the tap instead of by events_per_minute_mv: the same
// GROUP BY as the view (core/store/migrations.ts), sent as TabSeparated into events_per_minute.
import { eventTime, type EventRow } from '@rollcall/core/event';

export const ROLLUP_COLUMNS = [
  'minute',
  'broker',
  'cluster',
  'stream',
  'kind',
  'event_type',
  'source',
  'count',
  'bytes',
  'last_seen',
] as const;

const time = (ms: number) => `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}`;

export function rollupTsv(rows: EventRow[]): Buffer {
  const groups = new Map<string, { count: number; bytes: number; lastSeen: number }>();
  for (const r of rows) {
    const minute = Math.floor(eventTime(r) / 60_000) * 60;
    // The grouping key is the line's leading fields; none of them may hold a tab or newline (stream and type
    // names are escaped where the full row is built, and a real tap would escape them here too).
    const key = `${minute}\t${r.broker}\t${r.cluster}\t${r.stream}\t${r.kind}\t${r.event_type}\t${r.source}`;
    const g = groups.get(key);
    if (g) {
      g.count++;
      g.bytes += r.size;
      if (r.observed_at > g.lastSeen) g.lastSeen = r.observed_at;
    } else groups.set(key, { count: 1, bytes: r.size, lastSeen: r.observed_at });
  }
  let out = '';
  for (const [key, g] of groups) out += `${key}\t${g.count}\t${g.bytes}\t${time(g.lastSeen)}\n`;
  return Buffer.from(out);
}
