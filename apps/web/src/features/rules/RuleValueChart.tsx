// The watched value of a rule (or one alert) per window against what was expected: the band (a ratio's lo–hi, a
// baseline's range) or the threshold line, the alert's pending, firing and resolved spans shaded, each window's
// decision marked, and windows nobody judged drawn as gaps. A table of the same windows is one click away.
import { useState } from 'react';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceArea,
  ResponsiveContainer,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { AXIS_STYLE, CHART_MARGIN, THRESHOLD_LINE, TIME_AXIS, TOOLTIP_STYLE } from '../../components/chart-style.ts';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { Sentence } from '../../components/Sentence.tsx';
import { Time } from '../../components/Time.tsx';
import { formatTick, formatTime } from '../../lib/format.ts';
import { niceScale, stepDecimals } from '../../lib/nice-scale.ts';
import { timeTicks } from '../../lib/time-ticks.ts';
import { formatValue, isPercentRule, isRatioRule } from '../alerts/words.ts';
import { withBreaks } from './breaks.ts';
import { measured } from './decisions.ts';
import type { Evaluation } from './queries.ts';

/** When an alert was pending, firing or resolved, in ms. */
export interface StateSpan {
  state: 'pending' | 'firing' | 'resolved';
  from: number;
  to: number;
}

/** Transitions (any order) → the spans each state lasted, the last one until `end`. */
export function stateSpans(transitions: { at: string; to_state: string }[], end: number): StateSpan[] {
  const sorted = [...transitions].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return sorted.flatMap((t, i) => {
    const state = t.to_state;
    if (state !== 'pending' && state !== 'firing' && state !== 'resolved') return [];
    const next = sorted[i + 1];
    return [{ state, from: Date.parse(t.at), to: next ? Date.parse(next.at) : end }];
  });
}

const SPAN_FILL: Record<StateSpan['state'], string> = {
  pending: 'var(--warn)',
  firing: 'var(--bad)',
  resolved: 'var(--good)',
};
const DECISION_COLOR: Record<Evaluation['decision'], string> = {
  breached: 'var(--bad)',
  clean: 'var(--good)',
  waiting: 'var(--muted)',
  'not significant': 'var(--muted)',
  'not watched': 'var(--muted)',
  skipped: 'var(--muted)',
};

type Row = {
  t: number;
  value: number | null;
  threshold: number | null;
  band: [number, number] | null;
  breached: number | null;
  clean: number | null;
  unsure: number | null;
};

function toRows(evaluations: Evaluation[]): Row[] {
  return evaluations.map((e) => {
    const ok = measured(e.decision);
    const value = ok ? e.value : null;
    return {
      t: Date.parse(e.window_end),
      value,
      // a rule with a band draws the band; a floor or ceiling draws its threshold
      threshold: ok && (e.lo === null || e.hi === null) ? e.threshold : null,
      band: e.lo !== null && e.hi !== null ? [e.lo, e.hi] : null,
      breached: e.decision === 'breached' ? value : null,
      clean: e.decision === 'clean' ? value : null,
      unsure: e.decision === 'not significant' ? value : null,
    };
  });
}

/** A window's decision mark; nothing where the window has no value (a gap). */
function Dot(props: unknown) {
  const { cx, cy, fill, value } = props as { cx?: number; cy?: number; fill?: string; value?: unknown };
  if (cx === undefined || cy === undefined || value === null || value === undefined || !Number.isFinite(cy))
    return <g />;
  return <circle className="decision-dot" cx={cx} cy={cy} r={2.5} fill={fill} />;
}

/** Runs of windows that were not judged (not watched, waiting, skipped), as shaded gaps: each from the end of the
 * window before it (windows overlap when a rule runs more often than its window is long) to its own end. */
function unjudged(evaluations: Evaluation[]): { from: number; to: number; decision: Evaluation['decision'] }[] {
  const out: { from: number; to: number; decision: Evaluation['decision'] }[] = [];
  evaluations.forEach((e, i) => {
    if (measured(e.decision)) return;
    const previous = evaluations[i - 1];
    const from = Math.max(Date.parse(e.window_start), previous ? Date.parse(previous.window_end) : -Infinity);
    const to = Date.parse(e.window_end);
    const last = out[out.length - 1];
    if (last && last.decision === e.decision && from <= last.to) last.to = Math.max(last.to, to);
    else out.push({ from, to, decision: e.decision });
  });
  return out;
}

/** Rule types whose values are counts or whole seconds: their ticks stay on whole numbers. */
const WHOLE_VALUES = new Set(['volume', 'baseline', 'freshness']);

/** The y axis: every value, band edge and threshold drawn, with a little room above and below, on round ticks. */
function yAxis(rows: Row[], ruleType: string): { domain: [number, number] | ['auto', 'auto']; ticks?: number[] } {
  const ys = rows
    .flatMap((r) => [r.value, r.threshold, ...(r.band ?? [])])
    .filter((v): v is number => v !== null && Number.isFinite(v));
  if (ys.length === 0) return { domain: ['auto', 'auto'] };
  const lo = Math.min(...ys);
  const hi = Math.max(...ys);
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.1;
  return niceScale(lo >= 0 && lo - pad < 0 ? 0 : lo - pad, hi + pad, 4, WHOLE_VALUES.has(ruleType) ? 1 : 0);
}

/** Tick labels: on a ratio or percentage axis every tick has its step's decimals (0.7, 0.8 … 1.1), where each value
 * to 3 significant digits would read 0.700 beside 1.10; other axes label ticks as their values read. */
function tickLabel(ruleType: string, ticks: number[] | undefined, fmt: (v: number) => string): (v: number) => string {
  const percent = isPercentRule(ruleType);
  if (!ticks || ticks.length < 2 || (!isRatioRule(ruleType) && !percent)) return fmt;
  const decimals = stepDecimals(ticks);
  return (v) => `${v.toFixed(decimals)}${percent ? '%' : ''}`;
}

function EvaluationTable({ evaluations, ruleType }: { evaluations: Evaluation[]; ruleType: string }) {
  const show = (v: number | null) => (v === null ? '–' : formatValue(ruleType, v));
  const columns: Column<Evaluation>[] = [
    { key: 'end', header: 'Window end', className: 'nowrap', cell: (e) => <Time value={e.window_end} /> },
    {
      key: 'decision',
      header: 'Decision',
      className: (e) => (e.decision === 'breached' ? 'bad' : ''),
      cell: (e) => e.decision,
    },
    { key: 'value', header: 'Observed', align: 'right', cell: (e) => (measured(e.decision) ? show(e.value) : '–') },
    {
      key: 'expected',
      header: 'Expected',
      align: 'right',
      cell: (e) =>
        !measured(e.decision)
          ? '–'
          : e.lo !== null && e.hi !== null
            ? `${show(e.lo)}–${show(e.hi)}`
            : show(e.threshold),
    },
    {
      key: 'why',
      header: 'Why not judged',
      className: 'small muted',
      cell: (e) => (e.skipped ? <Sentence text={e.skipped} /> : ''),
    },
  ];
  return (
    <div className="table-scroll-box">
      <DataTable
        columns={columns}
        rows={[...evaluations].reverse()}
        rowKey={(e) => e.window_end}
        dense
        sortParam="windows"
      />
    </div>
  );
}

interface Props {
  evaluations: Evaluation[];
  ruleType: string;
  spans?: StateSpan[];
  /** Names the chart for screen readers; the table toggle is its text alternative. */
  ariaLabel: string;
  height?: number;
}

export function RuleValueChart({ evaluations, ruleType, spans = [], ariaLabel, height = 240 }: Props) {
  const [asTable, setAsTable] = useState(false);
  const sorted = [...evaluations].sort((a, b) => Date.parse(a.window_end) - Date.parse(b.window_end));
  const rows = withBreaks(toRows(sorted), (t) => ({
    t,
    value: null,
    threshold: null,
    band: null,
    breached: null,
    clean: null,
    unsure: null,
  }));
  const first = rows[0]?.t ?? 0;
  const last = rows[rows.length - 1]?.t ?? first;
  const hasBand = rows.some((r) => r.band !== null);
  const hasThreshold = rows.some((r) => r.threshold !== null);
  const gaps = unjudged(sorted);
  const fmt = (v: number) => formatValue(ruleType, v);
  const axis = yAxis(rows, ruleType);
  const states = new Set(spans.map((s) => s.state));
  return (
    <div className="rule-chart">
      <div className="chart-toolbar">
        <ul className="chart-legend" aria-hidden={asTable}>
          <li>
            <span className="key key-line" style={{ background: 'var(--c1)' }} /> observed
          </li>
          {hasBand && (
            <li>
              <span className="key key-band" /> expected range
            </li>
          )}
          {hasThreshold && (
            <li>
              <span className="key key-dash" /> threshold
            </li>
          )}
          <li>
            <span className="key key-dot" style={{ background: 'var(--bad)' }} /> breached
          </li>
          <li>
            <span className="key key-dot" style={{ background: 'var(--good)' }} /> clean
          </li>
          {rows.some((r) => r.unsure !== null) && (
            <li title="past the bound, but too few events to tell from chance: neither a breach nor a recovery">
              <span className="key key-dot" style={{ background: DECISION_COLOR['not significant'] }} /> not significant
            </li>
          )}
          {gaps.length > 0 && (
            <li>
              <span className="key key-gap" /> not judged ({[...new Set(gaps.map((g) => g.decision))].join(', ')})
            </li>
          )}
          {(['pending', 'firing', 'resolved'] as const)
            .filter((s) => states.has(s))
            .map((s) => (
              <li key={s}>
                <span className="key key-span" style={{ background: SPAN_FILL[s] }} /> {s}
              </li>
            ))}
        </ul>
        <button type="button" className="small ghost" aria-pressed={asTable} onClick={() => setAsTable((v) => !v)}>
          {asTable ? 'Show chart' : 'Show as table'}
        </button>
      </div>
      {asTable ? (
        <EvaluationTable evaluations={sorted} ruleType={ruleType} />
      ) : (
        <div
          className="chart"
          role="img"
          aria-label={`${ariaLabel}: ${describeChart(sorted, spans, fmt)}`}
          style={{ height }}
        >
          <ResponsiveContainer width="100%" height="100%">
            <ComposedChart data={rows} margin={CHART_MARGIN}>
              <CartesianGrid stroke="var(--grid)" vertical={false} />
              <XAxis
                {...TIME_AXIS}
                scale="time"
                ticks={timeTicks(first, last, 8)}
                tickFormatter={(v: number) => formatTick(v, last - first)}
              />
              <YAxis
                {...AXIS_STYLE}
                tickFormatter={tickLabel(ruleType, axis.ticks, fmt)}
                width={56}
                {...axis}
                allowDataOverflow
              />
              <Tooltip
                labelFormatter={(label) => `window ending ${formatTime(Number(label))}`}
                formatter={(value, name) => [
                  Array.isArray(value)
                    ? value.map((v) => fmt(Number(v))).join('–')
                    : typeof value === 'number'
                      ? fmt(value)
                      : '–',
                  name,
                ]}
                {...TOOLTIP_STYLE}
              />
              {spans
                .filter((s) => s.to > first && s.from < last)
                .map((s) => (
                  <ReferenceArea
                    key={`${s.state}-${s.from}`}
                    className={`span-${s.state}`}
                    x1={Math.max(s.from, first)}
                    x2={Math.min(s.to, last)}
                    fill={SPAN_FILL[s.state]}
                    fillOpacity={s.state === 'resolved' ? 0.08 : 0.14}
                    ifOverflow="hidden"
                  />
                ))}
              {gaps.map((g) => (
                <ReferenceArea
                  key={`gap-${g.from}`}
                  className="span-unjudged"
                  x1={Math.max(g.from, first)}
                  x2={Math.min(g.to, last)}
                  fill="var(--muted)"
                  fillOpacity={0.12}
                  ifOverflow="hidden"
                />
              ))}
              {hasBand && (
                <Area
                  dataKey="band"
                  name="expected range"
                  stroke="var(--good)"
                  strokeOpacity={0.5}
                  fill="var(--good)"
                  fillOpacity={0.12}
                  isAnimationActive={false}
                  type="stepAfter"
                  connectNulls={false}
                />
              )}
              {hasThreshold && (
                <Line
                  {...THRESHOLD_LINE}
                  dataKey="threshold"
                  name="threshold"
                  strokeDasharray="5 4"
                  connectNulls={false}
                />
              )}
              <Area
                dataKey="value"
                name="observed"
                stroke="var(--c1)"
                fill="var(--c1)"
                fillOpacity={0.06}
                strokeWidth={1.5}
                dot={false}
                isAnimationActive={false}
                type="linear"
                connectNulls={false}
              />
              <Scatter
                dataKey="breached"
                name="breached"
                fill={DECISION_COLOR.breached}
                isAnimationActive={false}
                shape={Dot}
              />
              <Scatter dataKey="clean" name="clean" fill={DECISION_COLOR.clean} isAnimationActive={false} shape={Dot} />
              <Scatter
                dataKey="unsure"
                name="not significant"
                fill={DECISION_COLOR['not significant']}
                isAnimationActive={false}
                shape={Dot}
              />
            </ComposedChart>
          </ResponsiveContainer>
        </div>
      )}
    </div>
  );
}

/** The chart in one sentence, for screen readers: how many windows of each decision, and the last value. */
function describeChart(evaluations: Evaluation[], spans: StateSpan[], fmt: (v: number) => string): string {
  const counts = new Map<string, number>();
  for (const e of evaluations) counts.set(e.decision, (counts.get(e.decision) ?? 0) + 1);
  const lastMeasured = [...evaluations].reverse().find((e) => measured(e.decision));
  const parts = [[...counts.entries()].map(([d, n]) => `${n} ${d}`).join(', ') || 'no windows'];
  if (lastMeasured) parts.push(`latest ${fmt(lastMeasured.value)}`);
  const active = spans.filter((s) => s.state !== 'resolved').map((s) => `${s.state} from ${formatTime(s.from)}`);
  if (active.length) parts.push(active.join(', '));
  return parts.join('; ');
}
