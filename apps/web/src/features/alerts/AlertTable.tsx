// The alert tables: active alerts, firing first (overview and alerts page), and state transitions (alerts
// page history and alert detail).
import type { ReactNode } from 'react';
import { NameLink } from '../../components/Name.tsx';
import { Badge } from '../../components/Badge.tsx';
import { Time } from '../../components/Time.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { formatDuration, formatNumber } from '../../lib/format.ts';
import { useNow } from '../../lib/use-now.ts';
import { routes } from '../../routes.ts';
import type { Alert, Transition } from './queries.ts';
import { inWords } from './words.ts';

const ORDER: Record<string, number> = { firing: 0, pending: 1, resolved: 2, inactive: 3 };
const SEVERITY: Record<string, number> = { critical: 0, warning: 1, info: 2 };

function sortAlerts(alerts: Alert[]): Alert[] {
  return [...alerts].sort(
    (a, b) =>
      (ORDER[a.state] ?? 9) - (ORDER[b.state] ?? 9) ||
      (SEVERITY[a.severity] ?? 9) - (SEVERITY[b.severity] ?? 9) ||
      Date.parse(a.since ?? a.active_at ?? '') - Date.parse(b.since ?? b.active_at ?? ''),
  );
}

/** Names a value on a phone, where the table's rows become cards without a header. */
const PhoneLabel = ({ children }: { children: ReactNode }) => <span className="phone-label">{children}</span>;

/** An alert (or one of its transitions) by its rule's name, linking to the alert. */
const ruleLink = ({ fingerprint, rule_id }: { fingerprint: string; rule_id: string }) => (
  <NameLink to={routes.alert(fingerprint)} text={rule_id} />
);

/** A value or threshold as the rule reported it. */
export const show = (v: number | string | null | undefined) => (typeof v === 'number' ? formatNumber(v) : (v ?? '–'));

/** "firing for 3m 12s" / "pending for 40s". */
export function alertDuration(alert: Alert, now: number): string {
  const start = alert.state === 'firing' ? (alert.firing_at ?? alert.since) : (alert.active_at ?? alert.since);
  return start ? `${alert.state} for ${formatDuration(now - Date.parse(start))}` : alert.state;
}

function columns(now: number, actions?: (alert: Alert) => ReactNode): Column<Alert>[] {
  return [
    {
      key: 'state',
      header: 'State',
      cell: (a) => (
        <>
          <Badge value={a.state} /> <Badge value={a.severity} />
        </>
      ),
    },
    {
      key: 'rule',
      header: 'Rule',
      cell: ruleLink,
    },
    { key: 'since', header: 'Since', className: 'nowrap', cell: (a) => alertDuration(a, now) },
    {
      key: 'confirmed',
      header: 'Last confirmed',
      className: 'nowrap',
      title: (a) =>
        a.last_confirmed_at
          ? `the latest window judged breached ended at ${new Date(a.last_confirmed_at).toLocaleTimeString()}`
          : undefined,
      cell: (a) =>
        a.last_confirmed_at ? (
          <>
            <PhoneLabel>confirmed </PhoneLabel>
            {inWords(now - Date.parse(a.last_confirmed_at))} ago
          </>
        ) : (
          <span className="muted">–</span>
        ),
    },
    {
      key: 'observed',
      header: 'Observed',
      align: 'right',
      cell: (a) => (
        <>
          <PhoneLabel>observed </PhoneLabel>
          {show(a.value)}
        </>
      ),
    },
    {
      key: 'expected',
      header: 'Expected',
      align: 'right',
      cell: (a) => (
        <>
          <PhoneLabel>expected </PhoneLabel>
          {show(a.expected || a.threshold)}
        </>
      ),
    },
    {
      key: 'summary',
      header: 'Summary',
      className: 'summary phone-hide',
      headerClassName: 'phone-hide',
      title: (a) => a.stream ?? undefined,
      cell: (a) => (
        <>
          {a.summary}
          {a.acknowledged && (
            <div className="muted small" title={a.acknowledged.comment}>
              acknowledged by {a.acknowledged.by}
            </div>
          )}
          {a.silenced_by.length > 0 && <div className="muted small">silenced</div>}
        </>
      ),
    },
    ...(actions
      ? [
          {
            key: 'actions',
            header: <span className="sr-only">Actions</span>,
            cell: (a: Alert) => <div className="actions">{actions(a)}</div>,
          },
        ]
      : []),
  ];
}

export function AlertTable({ alerts, actions }: { alerts: Alert[]; actions?: (alert: Alert) => ReactNode }) {
  const now = useNow();
  return (
    <DataTable
      columns={columns(now, actions)}
      rows={sortAlerts(alerts)}
      rowKey={(a) => a.fingerprint}
      rowClassName={(a) => `row-${a.state}`}
      empty="No alerts are firing or pending."
      className="alert-table"
    />
  );
}

const TRANSITION: Record<'at' | 'rule' | 'change' | 'value' | 'threshold' | 'summary', Column<Transition>> = {
  at: {
    key: 'at',
    header: 'At',
    className: 'nowrap',
    cell: (t) => <Time value={t.at} />,
    sort: (t) => Date.parse(t.at),
  },
  rule: {
    key: 'rule',
    header: 'Rule',
    className: 'nowrap',
    cell: ruleLink,
    sort: (t) => t.rule_id,
  },
  change: {
    key: 'transition',
    header: 'Transition',
    className: 'nowrap',
    cell: (t) => (
      <>
        <Badge value={t.from_state} /> → <Badge value={t.to_state} />
      </>
    ),
  },
  value: {
    key: 'value',
    header: 'Value',
    align: 'right',
    className: 'phone-hide',
    headerClassName: 'phone-hide',
    cell: (t) => formatNumber(t.value),
  },
  threshold: {
    key: 'threshold',
    header: 'Threshold',
    align: 'right',
    className: 'phone-hide',
    headerClassName: 'phone-hide',
    cell: (t) => formatNumber(t.threshold),
  },
  summary: {
    key: 'summary',
    header: 'Summary',
    className: 'small phone-hide',
    headerClassName: 'phone-hide',
    cell: (t) => t.summary,
  },
};

/** `full` adds the rule, value and threshold (the history of every alert). */
export function TransitionTable({
  transitions,
  full = false,
  empty,
}: {
  transitions: Transition[];
  full?: boolean;
  empty?: string;
}) {
  const t = TRANSITION;
  const columns = full ? [t.at, t.rule, t.change, t.value, t.threshold, t.summary] : [t.at, t.change, t.summary];
  return (
    <DataTable
      columns={columns}
      rows={transitions}
      rowKey={(x) => x.id}
      empty={empty}
      dense
      headless={!full}
      sortParam="history"
      className={full ? 'alert-table' : undefined}
    />
  );
}
