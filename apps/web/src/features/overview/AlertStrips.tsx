// One strip per firing or pending alert on the overview: the problem in words, how long, when it was last
// confirmed, and a sparkline of its recent windows against what was expected.
import { useQuery } from '@tanstack/react-query';
import { Area } from 'recharts';
import { useTimeRange } from '../../app/time-range.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { Badge } from '../../components/Badge.tsx';
import { Empty } from '../../components/Panel.tsx';
import { SparkChart } from '../../components/TimeSeriesChart.tsx';
import { useNow } from '../../lib/use-now.ts';
import { routes } from '../../routes.ts';
import { alertQueries, type Alert } from '../alerts/queries.ts';
import { alertSentence, inWords } from '../alerts/words.ts';
import type { Evaluation } from '../rules/queries.ts';
import { withBreaks } from '../rules/breaks.ts';
import { judged, measured } from '../rules/decisions.ts';

/** At most this many strips; the rest are a link to the alerts page. */
const MAX_STRIPS = 6;
/** The sparkline shows the alert's latest windows. */
const SPARK_WINDOWS = 40;

function AlertSparkline({ evaluations, label }: { evaluations: Evaluation[]; label: string }) {
  const windows = evaluations.slice(-SPARK_WINDOWS).map((e) => {
    // a window nobody measured is a gap, never a zero
    const drawn = measured(e.decision);
    return {
      t: Date.parse(e.window_end),
      v: drawn ? e.value : null,
      band: drawn && e.lo !== null && e.hi !== null ? [e.lo, e.hi] : null,
      th: drawn && (e.lo === null || e.hi === null) ? e.threshold : null,
    };
  });
  const rows = withBreaks<(typeof windows)[number]>(windows, (t) => ({ t, v: null, band: null, th: null }));
  return (
    <SparkChart className="strip-spark" ariaLabel={label} rows={rows} marginY={3} connectNulls={false}>
      <Area
        dataKey="band"
        stroke="none"
        fill="var(--good)"
        fillOpacity={0.18}
        isAnimationActive={false}
        type="stepAfter"
        connectNulls={false}
      />
    </SparkChart>
  );
}

function Strip({ alert, now }: { alert: Alert; now: number }) {
  const { refresh } = useTimeRange();
  const detail = useQuery({ ...alertQueries.detail(alert.fingerprint), refetchInterval: refresh.ms });
  const evaluations = detail.data?.evaluations ?? [];
  const latest = [...evaluations].reverse().find((e) => judged(e.decision));
  const sentence = alertSentence(alert, now, latest);
  return (
    <li className={`strip strip-${alert.state}`}>
      <div className="strip-state">
        <Badge value={alert.state} />
        <Badge value={alert.severity} />
      </div>
      <div className="strip-text">
        <AppLink to={routes.alert(alert.fingerprint)}>{alert.rule_id}</AppLink>
        <div className="strip-sentence">{sentence}</div>
        <div className="small muted">
          {alert.state} for {inWords(now - Date.parse(alert.since))}
          {alert.last_confirmed_at ? ` · last confirmed ${inWords(now - Date.parse(alert.last_confirmed_at))} ago` : ''}
          {alert.acknowledged ? ` · acknowledged by ${alert.acknowledged.by}` : ''}
          {alert.silenced_by.length > 0 ? ' · silenced' : ''}
        </div>
      </div>
      {evaluations.length > 0 ? (
        <AlertSparkline evaluations={evaluations} label={`${alert.rule_id}: recent windows, ${sentence}`} />
      ) : (
        <div className="strip-spark" />
      )}
    </li>
  );
}

export function AlertStrips({ alerts }: { alerts: Alert[] }) {
  const now = useNow();
  if (alerts.length === 0) return <Empty>No alerts are firing or pending.</Empty>;
  // the API lists firing first, then by severity and age
  const sorted = alerts;
  const hidden = sorted.length - MAX_STRIPS;
  return (
    <>
      <ul className="strips">
        {sorted.slice(0, MAX_STRIPS).map((a) => (
          <Strip key={a.fingerprint} alert={a} now={now} />
        ))}
      </ul>
      {hidden > 0 && (
        <p className="small">
          <AppLink to={routes.alerts()}>{hidden} more on the Alerts page →</AppLink>
        </p>
      )}
    </>
  );
}
