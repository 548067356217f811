// One line/area chart over time for every page: series from the API become rows keyed by time. A null is a gap
// (no data, or no tap watching), never a zero; a bucket still filling is left out of the line and marked, so the
// right edge never dips; every chart can be read as a table instead.
import { useState, type ReactNode } from 'react';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceArea,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { AXIS_STYLE, CHART_MARGIN, THRESHOLD_LINE, TIME_AXIS, TOOLTIP_STYLE } from './chart-style.ts';
import { formatNumber, formatTick, formatTime, mergeSpans } from '../lib/format.ts';
import { niceScale } from '../lib/nice-scale.ts';
import { timeTicks } from '../lib/time-ticks.ts';

export interface ChartPoint {
  t: number;
  v: number | null;
  /** The bucket is still filling: not drawn as a value. */
  partial?: boolean;
}

export interface ChartSeries {
  key: string;
  label?: string;
  points: ChartPoint[];
  /** Drawn dashed and without fill: thresholds, baselines. */
  reference?: boolean;
  color?: string;
}

/** A stretch marked on the chart: an alert pending or firing. */
export interface ChartAnnotation {
  from: number;
  to: number;
  tone: 'pending' | 'firing';
  label: string;
}

interface Props {
  series: ChartSeries[];
  format?: (v: number) => string;
  height?: number;
  /** Shaded spans (e.g. when a backtested rule would have fired). */
  shaded?: { from: number; to: number }[];
  annotations?: ChartAnnotation[];
  stacked?: boolean;
  ariaLabel: string;
  /** A non-time x axis (e.g. seconds since a run started): how to print it. */
  xTick?: (v: number) => string;
  /** false for small multiples that share one legend above them. */
  legend?: boolean;
  /** At most this many time ticks (fewer on a narrow chart). */
  timeTickCount?: number;
  /** Value ticks on round decimal steps (0, 0.5, 1, 1.5); false where they would not read round in the chart's
   * unit (bytes, whose KiB are 1,024). */
  roundTicks?: boolean;
}

export const PALETTE = [
  'var(--c1)',
  'var(--c2)',
  'var(--c3)',
  'var(--c4)',
  'var(--c5)',
  'var(--c6)',
  'var(--c7)',
  'var(--c8)',
];
const TONE = { pending: 'var(--warn)', firing: 'var(--bad)' };

type Row = { t: number } & Record<string, number | null>;

/** Rows keyed by time: `s<i>` holds series i's complete values, `p<i>` its partial ones (kept off the line). */
export function toRows(series: ChartSeries[]): Row[] {
  const rows = new Map<number, Row>();
  series.forEach((s, i) => {
    for (const p of s.points) {
      const row = rows.get(p.t) ?? { t: p.t };
      row[`s${i}`] = p.partial ? null : p.v;
      if (p.partial) row[`p${i}`] = p.v;
      rows.set(p.t, row);
    }
  });
  return [...rows.values()].sort((a, b) => a.t - b.t);
}

/** The value axis on round steps from 0 (or the lowest value, below it) to the highest point drawn: a stack's top
 * when stacked. Recharts's own cuts the range into even fifths (0, 0.55, 1.1, 1.65, 2.2). */
export function valueAxis(rows: Row[], series: ChartSeries[], stacked: boolean): ReturnType<typeof niceScale> {
  let [lo, hi] = [0, 0];
  for (const row of rows) {
    let stack = 0;
    series.forEach((s, i) => {
      const v = row[`s${i}`] ?? row[`p${i}`];
      if (v === null || v === undefined) return;
      lo = Math.min(lo, v);
      if (stacked && !s.reference) stack += v;
      else hi = Math.max(hi, v);
    });
    hi = Math.max(hi, stack);
  }
  return niceScale(lo, hi, 5);
}

/** Where the partial buckets start (the first of them), if any. */
export function partialFrom(series: ChartSeries[]): number | undefined {
  const ts = series.flatMap((s) => s.points.filter((p) => p.partial).map((p) => p.t));
  return ts.length ? Math.min(...ts) : undefined;
}

export function TimeSeriesChart({
  series: given,
  format = formatNumber,
  height = 220,
  shaded = [],
  annotations = [],
  stacked = false,
  ariaLabel,
  xTick,
  legend = true,
  timeTickCount = 8,
  roundTicks = true,
}: Props) {
  const [asTable, setAsTable] = useState(false);
  // sorted by key so a series keeps its colour whatever order the API lists them in
  const series = [...given].sort(
    (a, b) => Number(a.reference ?? false) - Number(b.reference ?? false) || a.key.localeCompare(b.key),
  );
  const rows = toRows(series);
  const first = rows[0]?.t ?? 0;
  const last = rows[rows.length - 1]?.t ?? first;
  const span = last - first;
  const incomplete = partialFrom(series);
  const tones = [...new Set(annotations.map((a) => a.tone))];
  return (
    <div className="ts-chart">
      <div className="chart-toolbar">
        <ul className="chart-legend" aria-hidden={asTable}>
          {legend && incomplete !== undefined && (
            <li>
              <span className="key key-gap" /> incomplete (still filling)
            </li>
          )}
          {(legend ? tones : []).map((tone) => (
            <li key={tone}>
              <span className="key key-span" style={{ background: TONE[tone] }} /> alert {tone}
            </li>
          ))}
        </ul>
        <button
          type="button"
          className="small ghost"
          aria-pressed={asTable}
          aria-label={`${asTable ? 'Show chart' : 'Show as table'}: ${ariaLabel}`}
          onClick={() => setAsTable((v) => !v)}
        >
          {asTable ? 'Show chart' : 'Show as table'}
        </button>
      </div>
      {asTable ? (
        <ChartTable series={series} rows={rows} format={format} ariaLabel={ariaLabel} xTick={xTick} />
      ) : (
        <div className="chart" role="img" aria-label={ariaLabel} style={{ height }}>
          <ResponsiveContainer width="100%" height="100%">
            <ComposedChart data={rows} margin={CHART_MARGIN}>
              <CartesianGrid stroke="var(--grid)" vertical={false} />
              <XAxis
                {...TIME_AXIS}
                scale={xTick ? 'linear' : 'time'}
                {...(xTick ? {} : { ticks: timeTicks(first, last, timeTickCount) })}
                tickFormatter={(v: number) => (xTick ? xTick(v) : formatTick(v, span))}
                allowDecimals={!xTick}
              />
              <YAxis
                {...AXIS_STYLE}
                tickFormatter={(v: number) => format(v)}
                width={56}
                allowDecimals
                {...(roundTicks ? valueAxis(rows, series, stacked) : {})}
              />
              <Tooltip
                labelFormatter={(label) => (xTick ? xTick(Number(label)) : formatTime(Number(label)))}
                formatter={(value) => (typeof value === 'number' ? format(value) : 'no data')}
                {...TOOLTIP_STYLE}
              />
              {legend && series.length > 1 && <Legend wrapperStyle={{ fontSize: 12 }} />}
              {mergeSpans(shaded).map((s) => (
                <ReferenceArea
                  key={`${s.from}-${s.to}`}
                  x1={s.from}
                  x2={s.to}
                  fill="var(--bad)"
                  fillOpacity={0.15}
                  ifOverflow="hidden"
                />
              ))}
              {annotations.map((a) => (
                <ReferenceArea
                  key={`${a.tone}-${a.from}-${a.label}`}
                  x1={Math.max(a.from, first)}
                  x2={Math.min(a.to, last)}
                  fill={TONE[a.tone]}
                  fillOpacity={0.14}
                  ifOverflow="hidden"
                />
              ))}
              {incomplete !== undefined && (
                <ReferenceArea x1={incomplete} x2={last} fill="var(--muted)" fillOpacity={0.12} ifOverflow="hidden" />
              )}
              {series.map((s, i) => {
                const color = s.color ?? PALETTE[i % PALETTE.length];
                return s.reference ? (
                  <Line
                    key={s.key}
                    dataKey={`s${i}`}
                    name={s.label ?? s.key}
                    stroke={color}
                    strokeWidth={1.5}
                    strokeDasharray="5 4"
                    dot={false}
                    isAnimationActive={false}
                    type="stepAfter"
                  />
                ) : (
                  <Area
                    key={s.key}
                    dataKey={`s${i}`}
                    name={s.label ?? s.key}
                    stroke={color}
                    fill={color}
                    fillOpacity={stacked ? 0.35 : 0.08}
                    strokeWidth={1.5}
                    dot={false}
                    isAnimationActive={false}
                    type="monotone"
                    {...(stacked ? { stackId: 'all' } : {})}
                  />
                );
              })}
            </ComposedChart>
          </ResponsiveContainer>
        </div>
      )}
    </div>
  );
}

/** The chart's text alternative: one row per time, one column per series; gaps say so, partial buckets too. */
function ChartTable({
  series,
  rows,
  format,
  ariaLabel,
  xTick,
}: {
  series: ChartSeries[];
  rows: Row[];
  format: (v: number) => string;
  ariaLabel: string;
  xTick: ((v: number) => string) | undefined;
}) {
  const cell = (row: Row, i: number) => {
    const partial = row[`p${i}`];
    if (partial !== undefined && partial !== null) return `${format(partial)} (incomplete)`;
    const v = row[`s${i}`];
    return v === null || v === undefined ? 'no data' : format(v);
  };
  return (
    <div className="table-scroll-box">
      <table className="table dense chart-table">
        <caption className="sr-only">{ariaLabel}</caption>
        <thead>
          <tr>
            <th scope="col">{xTick ? 'At' : 'Time'}</th>
            {series.map((s) => (
              <th key={s.key} scope="col" className="num">
                {s.label ?? s.key}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {[...rows].reverse().map((row) => (
            <tr key={row.t}>
              <th scope="row" className="nowrap">
                {xTick ? xTick(row.t) : formatTime(row.t)}
              </th>
              {series.map((s, i) => (
                <td key={s.key} className="num">
                  {cell(row, i)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A tiny chart of a value (`v`) against its threshold (`th`) with no axes or legend, sized by its CSS class: the
 * threshold dashed and stepping, the value over it; `children` draw beneath both (a band). */
export function SparkChart<R extends { t: number; v: number | null; th: number | null }>({
  className,
  ariaLabel,
  rows,
  marginY,
  connectNulls,
  children,
}: {
  className: string;
  ariaLabel: string;
  rows: R[];
  /** Room above and below the marks, in px. */
  marginY: number;
  /** Whether a line bridges a null (else a null is a gap). */
  connectNulls: boolean;
  children?: ReactNode;
}) {
  return (
    <div className={className} role="img" aria-label={ariaLabel}>
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={rows} margin={{ top: marginY, right: 2, bottom: marginY, left: 2 }}>
          <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} hide />
          <YAxis hide domain={['auto', 'auto']} />
          {children}
          <Line {...THRESHOLD_LINE} dataKey="th" strokeDasharray="3 3" connectNulls={connectNulls} />
          <Line
            dataKey="v"
            stroke="var(--c1)"
            strokeWidth={1.5}
            dot={false}
            isAnimationActive={false}
            connectNulls={connectNulls}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}

/** A tiny value-vs-threshold line for tables. */
export function Sparkline({
  values,
  threshold,
  ariaLabel,
}: {
  values: { t: number; v: number | null }[];
  threshold: { t: number; v: number | null }[];
  ariaLabel: string;
}) {
  const rows = toRows([
    { key: 'v', points: values },
    { key: 'th', points: threshold },
  ]).map(({ t, s0, s1 }) => ({ t, v: s0 ?? null, th: s1 ?? null }));
  return <SparkChart className="sparkline" ariaLabel={ariaLabel} rows={rows} marginY={2} connectNulls />;
}
