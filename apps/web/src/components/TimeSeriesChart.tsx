// One line/area chart over time for every page: series from the API become rows keyed by time.
import { Area, CartesianGrid, ComposedChart, Legend, Line, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatNumber, formatTick, formatTime, mergeSpans } from '../lib/format.ts';

export interface ChartSeries {
  key: string;
  label?: string;
  points: { t: number; v: number | null }[];
  /** Drawn dashed and without fill: thresholds, baselines. */
  reference?: boolean;
  color?: string;
}

interface Props {
  series: ChartSeries[];
  format?: (v: number) => string;
  height?: number;
  /** Shaded spans (e.g. when a backtested rule would have fired). */
  shaded?: { from: number; to: number }[];
  stacked?: boolean;
  ariaLabel: string;
  /** A non-time x axis (e.g. seconds since a run started): how to print it. */
  xTick?: (v: number) => string;
}

export const PALETTE = ['var(--c1)', 'var(--c2)', 'var(--c3)', 'var(--c4)', 'var(--c5)', 'var(--c6)', 'var(--c7)', 'var(--c8)'];

type Row = { t: number } & Record<string, number | null>;

export function toRows(series: ChartSeries[]): Row[] {
  const rows = new Map<number, Row>();
  series.forEach((s, i) => {
    for (const p of s.points) {
      const row = rows.get(p.t) ?? { t: p.t };
      row[`s${i}`] = p.v;
      rows.set(p.t, row);
    }
  });
  return [...rows.values()].sort((a, b) => a.t - b.t);
}

export function TimeSeriesChart({ series: given, format = formatNumber, height = 220, shaded = [], stacked = false, ariaLabel, xTick }: Props) {
  // sorted by key so a series keeps its colour whatever order the API lists them in
  const series = [...given].sort((a, b) => Number(a.reference ?? false) - Number(b.reference ?? false) || a.key.localeCompare(b.key));
  const rows = toRows(series);
  const first = rows[0]?.t ?? 0;
  const span = (rows[rows.length - 1]?.t ?? first) - first;
  return (
    <div className="chart" role="img" aria-label={ariaLabel} style={{ height }}>
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={rows} margin={{ top: 6, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--grid)" vertical={false} />
          <XAxis
            dataKey="t"
            type="number"
            scale={xTick ? 'linear' : 'time'}
            domain={['dataMin', 'dataMax']}
            tickFormatter={(v: number) => (xTick ? xTick(v) : formatTick(v, span))}
            allowDecimals={!xTick}
            stroke="var(--muted)"
            tick={{ fontSize: 11, fill: 'var(--muted)' }}
            minTickGap={40}
          />
          <YAxis tickFormatter={(v: number) => format(v)} stroke="var(--muted)" tick={{ fontSize: 11, fill: 'var(--muted)' }} width={56} allowDecimals />
          <Tooltip
            labelFormatter={(label) => (xTick ? xTick(Number(label)) : formatTime(Number(label)))}
            formatter={(value) => (typeof value === 'number' ? format(value) : String(value ?? '–'))}
            contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)', fontSize: 12 }}
            labelStyle={{ color: 'var(--text)' }}
          />
          {series.length > 1 && <Legend wrapperStyle={{ fontSize: 12 }} />}
          {mergeSpans(shaded).map((s) => (
            <ReferenceArea key={`${s.from}-${s.to}`} x1={s.from} x2={s.to} fill="var(--bad)" fillOpacity={0.15} ifOverflow="hidden" />
          ))}
          {series.map((s, i) => {
            const color = s.color ?? PALETTE[i % PALETTE.length];
            return s.reference ? (
              <Line key={s.key} dataKey={`s${i}`} name={s.label ?? s.key} stroke={color} strokeDasharray="5 4" dot={false} isAnimationActive={false} type="stepAfter" connectNulls />
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
  );
}

/** A tiny value-vs-threshold line for tables. */
export function Sparkline({ values, threshold, ariaLabel }: { values: { t: number; v: number | null }[]; threshold: { t: number; v: number | null }[]; ariaLabel: string }) {
  const rows = toRows([
    { key: 'v', points: values },
    { key: 'th', points: threshold },
  ]);
  return (
    <div className="sparkline" role="img" aria-label={ariaLabel}>
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={rows} margin={{ top: 2, right: 2, bottom: 2, left: 2 }}>
          <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} hide />
          <YAxis hide domain={['auto', 'auto']} />
          <Line dataKey="s1" stroke="var(--bad)" strokeDasharray="3 3" dot={false} isAnimationActive={false} type="stepAfter" connectNulls />
          <Line dataKey="s0" stroke="var(--c1)" strokeWidth={1.5} dot={false} isAnimationActive={false} connectNulls />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
