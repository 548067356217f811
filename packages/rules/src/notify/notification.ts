// What a notifier is given: one alert transition (or a repeat of a long-firing one) for one route. Built from
// the stored transition, so a notification delivered late after an outage still carries its original times.
export type NotificationStatus = 'firing' | 'resolved';

export interface Notification {
  /** Stable per (transition, route, repeat): receivers can use it to drop a redelivery. */
  id: string;
  status: NotificationStatus;
  rule: { id: string; description: string; severity: string; type: string };
  /** Rule labels plus rule_id, severity and the watched stream. */
  labels: Record<string, string>;
  /** 16 hex digits: one per rule + label set. */
  fingerprint: string;
  /** What is watched, for people: e.g. "rabbitmq cards (publish) → kafka fraud.scores". */
  stream: string;
  /** The measured value at this transition, the threshold it was compared with, and the expectation in words. */
  observed: number;
  threshold: number;
  expected: string;
  /** One line: e.g. "fraud.scores / cards ratio 0.79 is below 0.95 over 5m". */
  summary: string;
  /** ISO 8601: when the alert started firing. */
  startsAt: string;
  /** ISO 8601: when it resolved (resolved notifications only). */
  endsAt?: string;
  /** ISO 8601: when this transition happened. */
  at: string;
  /** Link to the alert's page in the dashboard. */
  url: string;
  /** 0 for the transition itself, n for the n-th repeat_interval reminder. */
  repeat: number;
}

export type RouteType = 'slack' | 'webhook' | 'alertmanager';

export interface Route {
  name: string;
  type: RouteType;
  /** Slack incoming-webhook URL, webhook URL, or Alertmanager base URL (http://host:9093). */
  url: string;
  /** HMAC key for generic webhooks (from env, never logged). */
  secret?: string;
  /** Extra request headers, e.g. Authorization for Alertmanager behind a proxy. */
  headers?: Record<string, string>;
  /** Request timeout in ms. */
  timeoutMs: number;
}

export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(
    message: string,
    /** false for a 4xx other than 408/429: retrying the same request cannot succeed. */
    readonly retriable: boolean,
  ) {
    super(message);
  }
}
