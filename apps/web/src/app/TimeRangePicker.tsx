// The top bar's range and auto-refresh pickers; both write to the URL.
import { useState } from 'react';
import { useIsFetching, useQueryClient } from '@tanstack/react-query';
import { RANGES, REFRESHES, useTimeRange, type TimeRange } from './time-range.ts';

/** `datetime-local` wants local time without zone. */
function toLocalInput(iso: string): string {
  const d = new Date(iso);
  const off = d.getTimezoneOffset() * 60_000;
  return new Date(d.getTime() - off).toISOString().slice(0, 16);
}

export function TimeRangePicker() {
  const { range, refresh, setRange, setRefresh } = useTimeRange();
  const [custom, setCustom] = useState<{ from: string; to: string } | null>(null);
  const client = useQueryClient();
  const fetching = useIsFetching();

  const select = range.kind === 'relative' ? range.range : 'custom';
  const onRange = (value: string) => {
    if (value === 'custom') {
      const to = new Date();
      const from = new Date(to.getTime() - 3600_000);
      setCustom({ from: toLocalInput(from.toISOString()), to: toLocalInput(to.toISOString()) });
      return;
    }
    setCustom(null);
    setRange({ kind: 'relative', range: value });
  };
  const applyCustom = () => {
    if (!custom) return;
    const next: TimeRange = {
      kind: 'absolute',
      from: new Date(custom.from).toISOString(),
      to: new Date(custom.to).toISOString(),
    };
    if (Date.parse(next.from) < Date.parse(next.to)) {
      setRange(next);
      setCustom(null);
    }
  };
  const relativeOptions: string[] = [...RANGES];
  if (range.kind === 'relative' && !relativeOptions.includes(range.range)) relativeOptions.push(range.range);

  return (
    <div className="range-picker">
      <label className="field-inline">
        <span className="sr-only">Time range</span>
        <select aria-label="Time range" value={custom ? 'custom' : select} onChange={(e) => onRange(e.target.value)}>
          {relativeOptions.map((r) => (
            <option key={r} value={r}>
              Last {r}
            </option>
          ))}
          <option value="custom">
            {range.kind === 'absolute'
              ? `${new Date(range.from).toLocaleString()} → ${new Date(range.to).toLocaleString()}`
              : 'Custom…'}
          </option>
        </select>
      </label>
      {custom && (
        <div className="custom-range" role="group" aria-label="Custom range">
          <input
            type="datetime-local"
            aria-label="From"
            value={custom.from}
            onChange={(e) => setCustom({ ...custom, from: e.target.value })}
          />
          <input
            type="datetime-local"
            aria-label="To"
            value={custom.to}
            onChange={(e) => setCustom({ ...custom, to: e.target.value })}
          />
          <button type="button" onClick={applyCustom}>
            Apply
          </button>
          <button type="button" className="ghost" onClick={() => setCustom(null)}>
            Cancel
          </button>
        </div>
      )}
      <label className="field-inline">
        <span className="sr-only">Auto-refresh</span>
        <select aria-label="Auto-refresh" value={refresh.label} onChange={(e) => setRefresh(e.target.value)}>
          {REFRESHES.map((r) => (
            <option key={r} value={r}>
              {r === 'off' ? 'Auto-refresh off' : `Every ${r}`}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="icon-button"
        aria-label="Refresh now"
        title="Refresh now"
        onClick={() => void client.invalidateQueries()}
      >
        <span className={fetching > 0 ? 'spin' : ''} aria-hidden="true">
          ⟳
        </span>
      </button>
    </div>
  );
}
