// Alerts for Alertmanager's v2 API, so Rollcall alerts share its routing, grouping, inhibition and silences.
import type { Notification } from './notification.ts';

/** The body for POST <base>/api/v2/alerts. */
export function alertmanagerAlerts(n: Notification): object[] {
  return [
    {
      labels: { alertname: n.rule.id, severity: n.rule.severity, ...n.labels },
      // Alertmanager rejects the whole request when an annotation value is not a string.
      annotations: {
        summary: n.summary,
        description: n.rule.description,
        observed: String(n.observed),
        expected: n.expected,
        threshold: String(n.threshold),
        rollcall_id: n.id,
      },
      startsAt: n.startsAt,
      // Without endsAt Alertmanager treats the alert as firing until its resolve_timeout passes.
      ...(n.status === 'resolved' ? { endsAt: n.endsAt ?? n.at } : {}),
      generatorURL: n.url,
    },
  ];
}

/** Keeps a path prefix (Alertmanager behind a proxy at /alertmanager) and tolerates a trailing slash. */
export function alertsEndpoint(base: URL): URL {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v2/alerts`;
  return url;
}
