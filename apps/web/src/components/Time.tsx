import { formatTime, formatUtc } from '../lib/format.ts';

/** Local time, with UTC on hover. */
export function Time({ value }: { value: string | number | null | undefined }) {
  if (value === null || value === undefined || value === '') return <span className="muted">–</span>;
  const iso = new Date(value).toISOString();
  return (
    <time dateTime={iso} title={formatUtc(value)}>
      {formatTime(value)}
    </time>
  );
}
