// How the dashboard's time charts look, stated once so the stream, lag and rule charts read alike: the plot's
// margin, muted axes over a time axis of epoch milliseconds (`t`), the tooltip box and the threshold line.
export const CHART_MARGIN = { top: 6, right: 12, bottom: 0, left: 0 };

/** Axis line and tick labels, muted beside the data. */
export const AXIS_STYLE = { stroke: 'var(--muted)', tick: { fontSize: 11, fill: 'var(--muted)' } };

/** The x axis: epoch milliseconds from the first point to the last (its ticks from lib/time-ticks.ts). */
export const TIME_AXIS = {
  ...AXIS_STYLE,
  dataKey: 't',
  type: 'number',
  domain: ['dataMin', 'dataMax'],
  minTickGap: 40,
} as const;

export const TOOLTIP_STYLE = {
  contentStyle: { background: 'var(--surface)', border: '1px solid var(--border)', fontSize: 12 },
  labelStyle: { color: 'var(--text)' },
};

/** A threshold changes in steps, drawn in the alarm colour without points (its dash differs by chart size). */
export const THRESHOLD_LINE = {
  stroke: 'var(--bad)',
  dot: false,
  isAnimationActive: false,
  type: 'stepAfter',
} as const;
