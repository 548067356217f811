// A stream's traffic split by event type, source or routing key, each slice against its own baseline, so a drop in
// one slice (visa authorizations) stands out even when the stream as a whole moves little. Slices furthest below
// their baseline come first.
import { useLive } from '../../app/use-live.ts';
import { spanMs, useTimeRange } from '../../app/time-range.ts';
import { Panel, QueryState } from '../../components/Panel.tsx';
import { TimeSeriesChart, type ChartAnnotation } from '../../components/TimeSeriesChart.tsx';
import { formatChange, formatDurationWords, formatNumber, formatRate, formatRatio } from '../../lib/format.ts';
import { useSearchParam } from '../../lib/use-search-param.ts';
import { baselineOf, toChartSeries } from '../series/chart.ts';
import { seriesQueries } from '../series/queries.ts';
import type { SeriesResponse } from '@rollcall/contract/series';

const DIMENSIONS = [
  { by: 'event_type', label: 'Event type' },
  { by: 'source', label: 'Source' },
  { by: 'routing_key', label: 'Routing key' },
] as const;
type By = (typeof DIMENSIONS)[number]['by'];
/** The routing-key breakdown reads raw rows: the server answers it for a day at most. */
const ROUTING_KEY_MAX_MS = 24 * 3_600_000;
/** A slice this far below its baseline is drawn as a drop. */
const DROP = -0.1;
const BASELINE_COLOR = 'var(--c4)';

type Slice = SeriesResponse['series'][number];

/** Messages per second a slice is short of its baseline lately: the slices missing the most come first (a small,
 * noisy slice's percentage swings more than a large slice's real drop). */
const shortfall = (s: Slice) => (s.recent?.baseline_msg_per_sec ?? 0) - (s.recent?.msg_per_sec ?? 0);
const byShortfall = (a: Slice, b: Slice) => shortfall(b) - shortfall(a);

function SliceChart({ slice, d, annotations }: { slice: Slice; d: SeriesResponse; annotations: ChartAnnotation[] }) {
  const change = slice.recent?.change ?? null;
  const [actual] = toChartSeries({ ...d, series: [slice] });
  const label = d.baseline?.label ?? 'baseline';
  return (
    <section className="slice" role="group" aria-label={slice.key}>
      <header className="slice-head">
        <strong className="mono break">{slice.key}</strong>
        <span
          className={change !== null && change <= DROP ? 'bad slice-change' : 'slice-change'}
          title={`change of the last ${slice.recent ? formatDurationWords(Date.parse(slice.recent.to) - Date.parse(slice.recent.from)) : ''} against ${label}`}
        >
          {change === null ? 'no baseline yet' : `${formatChange(change)} vs baseline`}
        </span>
      </header>
      <div className="small muted">
        {slice.recent
          ? `${formatRate(slice.recent.msg_per_sec)} over the last ${formatDurationWords(Date.parse(slice.recent.to) - Date.parse(slice.recent.from))}, expected ${formatRate(slice.recent.baseline_msg_per_sec)}`
          : 'no complete stretch yet'}
        {slice.recent?.baseline_msg_per_sec && slice.recent.msg_per_sec !== null
          ? ` (ratio ${formatRatio(slice.recent.msg_per_sec / slice.recent.baseline_msg_per_sec)})`
          : ''}
      </div>
      {actual && (
        <TimeSeriesChart
          ariaLabel={`${slice.key}: messages per second against ${label}`}
          height={150}
          legend={false}
          timeTickCount={4}
          format={formatNumber}
          annotations={annotations}
          series={[actual, baselineOf(slice, `baseline (${label})`, BASELINE_COLOR)]}
        />
      )}
    </section>
  );
}

export function Breakdown({
  broker,
  stream,
  annotations,
}: {
  broker: string;
  stream: string;
  annotations: ChartAnnotation[];
}) {
  const { params, range } = useTimeRange();
  const [byParam, setBy] = useSearchParam('by');
  const dims = DIMENSIONS.filter((x) => x.by !== 'routing_key' || broker === 'rabbitmq');
  const by: By = dims.find((x) => x.by === byParam)?.by ?? 'event_type';
  const tooLong = by === 'routing_key' && spanMs(range) > ROUTING_KEY_MAX_MS;
  const query = useLive({
    ...seriesQueries.series({ broker, stream, by, baseline: 'true' }, params),
    enabled: !tooLong,
  });
  const chips = (
    <div className="chips" role="group" aria-label="Break down by">
      {dims.map((x) => (
        <button
          key={x.by}
          type="button"
          className="chip"
          aria-pressed={by === x.by}
          onClick={() => setBy(x.by === 'event_type' ? '' : x.by)}
        >
          {x.label}
        </button>
      ))}
    </div>
  );
  return (
    <Panel title="Breakdown against baseline" id="breakdown" actions={chips}>
      {tooLong ? (
        <p className="muted">
          The routing-key breakdown reads every stored message, so it covers a day at most: pick a range of 24 hours or
          less.
        </p>
      ) : (
        <QueryState query={query} isEmpty={(d) => d.series.length === 0} empty="No messages in this range.">
          {(d) => (
            <>
              <p className="small muted">
                Messages per second of each {dims.find((x) => x.by === by)?.label.toLowerCase()} (solid) against its
                baseline (dashed):{' '}
                <strong>{d.baseline?.kind === 'week' ? 'the same time a week earlier' : d.baseline?.label}</strong>
                {d.baseline?.kind === 'previous' ? ', as the store holds no week-old data yet' : ''}. Largest drops
                first.
              </p>
              <ul className="chart-legend breakdown-legend" aria-hidden="true">
                <li>
                  <span className="key key-line" style={{ background: 'var(--c1)' }} /> messages/s
                </li>
                <li>
                  <span className="key key-dash" style={{ borderTopColor: BASELINE_COLOR }} /> baseline
                </li>
                {[...new Set(annotations.map((a) => a.tone))].map((tone) => (
                  <li key={tone}>
                    <span
                      className="key key-span"
                      style={{ background: tone === 'firing' ? 'var(--bad)' : 'var(--warn)' }}
                    />{' '}
                    alert {tone}
                  </li>
                ))}
                <li>
                  <span className="key key-gap" /> incomplete (still filling)
                </li>
              </ul>
              <div className="slices">
                {[...d.series].sort(byShortfall).map((s) => (
                  <SliceChart key={s.key} slice={s} d={d} annotations={annotations} />
                ))}
              </div>
            </>
          )}
        </QueryState>
      )}
    </Panel>
  );
}
