// Durable notification delivery. The outbox is the transitions table itself: every firing or resolved
// transition, once per route, is owed until a row with its id is in `notifications`. Enqueueing is therefore
// the same insert that records the transition, and a restart picks up whatever was owed. Delivery retries with
// capped, jittered backoff; a receiver that is down gets the message late, with its original times.
// The one window left: killed after the receiver accepted but before the notifications row landed, the
// message goes again. Its X-Rollcall-Delivery id / notification id is the same, so receivers can drop it.
import type { Logger } from '@rollcall/core/log';
import { backoffDelay } from '@rollcall/core/retry';
import { chTime, type Store } from '@rollcall/core/store';
import {
  acknowledgedEpisodes,
  fromRow,
  TRANSITION_COLUMNS,
  transitionId,
  type Transition,
  type TransitionRow,
} from './alert-store.ts';
import { DeliveryError, type Notification, type Route } from '../notify/notification.ts';
import { isActiveSilence, listSilences, matchesAll } from './silences.ts';
import { singleFlight } from '../single-flight.ts';

import { queryRows } from '@rollcall/core/store/queries';

export interface OutboxRoute extends Route {
  /** Resend a still-firing alert this often; 0 never. */
  repeatIntervalMs: number;
}

export interface OutboxDeps {
  store: Store;
  log: Logger;
  routes: OutboxRoute[];
  dashboardUrl: string;
  deliver: (route: Route, n: Notification) => Promise<void>;
  now?: () => number;
  pollMs?: number;
  maxRetryDelayMs?: number;
  /** How far back owed notifications are still sent. */
  horizonMs?: number;
  /** Deliveries in flight at once on one route (each for a different alert). */
  perRoute?: number;
}

export interface Outbox {
  start(): void;
  stop(): Promise<void>;
  /** One delivery pass, resolved once every delivery in flight has been tried; the timer starts a pass every
   * pollMs without waiting for deliveries, so a slow receiver holds only its own route. */
  poll(): Promise<void>;
}

type Outcome = 'delivered' | 'silenced' | 'skipped' | 'failed';

interface Owed {
  transition: Transition;
  route: string;
  repeat: number;
}

const notificationId = (transitionId: string, route: string, repeat: number) => `${transitionId}/${route}/${repeat}`;

/** The labels a notification carries and silences match against, named as Alertmanager names them. */
export const alertLabels = (
  t: Pick<Transition, 'rule_id' | 'severity' | 'labels' | 'stream'>,
): Record<string, string> => ({ alertname: t.rule_id, severity: t.severity, ...t.labels, stream: t.stream });

export function toNotification(t: Transition, route: string, repeat: number, dashboardUrl: string): Notification {
  const firingAt = t.firing_at ?? t.at;
  return {
    id: notificationId(t.id, route, repeat),
    status: t.to_state === 'resolved' ? 'resolved' : 'firing',
    rule: { id: t.rule_id, description: t.description, severity: t.severity, type: t.rule_type },
    labels: alertLabels(t),
    fingerprint: t.fingerprint,
    stream: t.stream,
    observed: t.value,
    threshold: t.threshold,
    expected: t.expected,
    summary: t.summary,
    startsAt: new Date(firingAt).toISOString(),
    ...(t.to_state === 'resolved' ? { endsAt: new Date(t.at).toISOString() } : {}),
    at: new Date(t.at).toISOString(),
    url: `${dashboardUrl.replace(/\/$/, '')}/alerts/${t.fingerprint}`,
    repeat,
  };
}

/** Enough to drain a burst (an incident firing ten rules) without one receiver getting a thundering herd. */
const DEFAULT_PER_ROUTE = 4;

export function createOutbox({
  store,
  log,
  routes,
  dashboardUrl,
  deliver,
  now = Date.now,
  pollMs = 1000,
  maxRetryDelayMs = 60_000,
  horizonMs = 7 * 86_400_000,
  perRoute = DEFAULT_PER_ROUTE,
}: OutboxDeps): Outbox {
  const byName = new Map(routes.map((r) => [r.name, r]));
  /** route → lanes (alert/route) with a delivery in flight; a pass skips those and routes at their bound. */
  const inFlight = new Map<string, Set<string>>();
  const running = new Set<Promise<void>>();
  /** Notification id → when its row landed. A pass whose query ran before that still lists it as owed, and its
   * lane is free again: without this it would be sent twice. Dropped once a later query has seen the row. */
  const recorded = new Map<string, number>();
  const retry = new Map<string, { attempt: number; nextAt: number }>();
  const warnedUnknown = new Set<string>();
  let timer: NodeJS.Timeout | undefined;

  const record = async (owed: Owed, outcome: Outcome, attempts: number, error = '') => {
    const id = notificationId(owed.transition.id, owed.route, owed.repeat);
    await store.client.insert({
      table: `${store.db}.notifications`,
      values: [
        {
          id,
          transition_id: owed.transition.id,
          route: owed.route,
          repeat: owed.repeat,
          at: chTime(now()),
          outcome,
          attempts,
          error,
        },
      ],
      format: 'JSONEachRow',
    });
    recorded.set(id, performance.now());
  };

  const owedTransitions = async (): Promise<Owed[]> => {
    const rows = await queryRows<TransitionRow & { route: string }>(
      store,
      `SELECT ${TRANSITION_COLUMNS}, route
       FROM (SELECT * FROM ${store.db}.alert_transitions FINAL WHERE to_state IN ('firing', 'resolved') AND at >= fromUnixTimestamp64Milli({since:Int64}))
       ARRAY JOIN routes AS route
       WHERE concat(id, '/', route, '/0') NOT IN (SELECT id FROM ${store.db}.notifications)
       ORDER BY at, id`,
      { since: now() - horizonMs },
    );
    return rows.map((r) => ({ transition: fromRow(r), route: r.route, repeat: 0 }));
  };

  /** Reminders for alerts still firing whose last delivery on a route is older than its repeat interval. */
  const owedRepeats = async (): Promise<Owed[]> => {
    if (!routes.some((r) => r.repeatIntervalMs > 0)) return [];
    const rows = await queryRows<TransitionRow & { route: string; repeat: string | number; last: string | number }>(
      store,
      `SELECT ${TRANSITION_COLUMNS}, n.route AS route, n.last_repeat AS repeat, toUnixTimestamp64Milli(n.last) AS last
       FROM (SELECT * FROM ${store.db}.alert_transitions FINAL
             WHERE (fingerprint, at) IN (SELECT fingerprint, max(at) FROM ${store.db}.alert_transitions GROUP BY fingerprint) AND to_state = 'firing') AS t
       INNER JOIN (SELECT transition_id, route, max(repeat) AS last_repeat, max(at) AS last, argMax(outcome, repeat) AS last_outcome
                   FROM ${store.db}.notifications FINAL GROUP BY transition_id, route) AS n ON n.transition_id = t.id
       WHERE n.last_outcome = 'delivered'`,
      {},
    );
    const acked = await acknowledgedEpisodes(store);
    return rows.flatMap((r) => {
      const route = byName.get(r.route);
      const t = fromRow(r);
      if (!route || route.repeatIntervalMs <= 0 || now() - Number(r.last) < route.repeatIntervalMs) return [];
      if (acked.has(`${t.fingerprint}/${t.firing_at ?? t.at}`)) return []; // someone is on it
      return [{ transition: t, route: r.route, repeat: Number(r.repeat) + 1 }];
    });
  };

  /** A resolved message only follows a firing message that was actually delivered on that route. */
  const firingOutcome = async (t: Transition, route: string): Promise<string | undefined> => {
    const firingId = transitionId(t.fingerprint, 'firing', t.firing_at ?? 0);
    const [row] = await queryRows<{ outcome: string }>(
      store,
      `SELECT outcome FROM ${store.db}.notifications FINAL WHERE id = {id:String}`,
      { id: notificationId(firingId, route, 0) },
    );
    return row?.outcome;
  };

  const attempt = async (owed: Owed, silenced: boolean) => {
    const route = byName.get(owed.route);
    if (!route) {
      if (!warnedUnknown.has(owed.route))
        log.error(
          `rule ${owed.transition.rule_id} notifies route "${owed.route}", which is not configured under alerting.routes`,
        );
      warnedUnknown.add(owed.route);
      return;
    }
    if (silenced) return record(owed, 'silenced', 0);
    if (owed.transition.to_state === 'resolved') {
      const firing = await firingOutcome(owed.transition, owed.route);
      if (firing === undefined) return; // its firing message is still owed: keep the order
      if (firing !== 'delivered') return record(owed, 'skipped', 0);
    }
    const key = notificationId(owed.transition.id, owed.route, owed.repeat);
    const state = retry.get(key) ?? { attempt: 0, nextAt: 0 };
    if (state.nextAt > now()) return;
    try {
      await deliver(route, toNotification(owed.transition, owed.route, owed.repeat, dashboardUrl));
      await record(owed, 'delivered', state.attempt + 1);
      retry.delete(key);
      log.info('notification delivered', {
        route: owed.route,
        rule: owed.transition.rule_id,
        status: owed.transition.to_state,
        repeat: owed.repeat,
        attempts: state.attempt + 1,
      });
    } catch (err) {
      const permanent = err instanceof DeliveryError && !err.retriable;
      if (permanent) {
        await record(owed, 'failed', state.attempt + 1, (err as Error).message);
        log.error('notification refused by the receiver; not retrying', {
          route: owed.route,
          rule: owed.transition.rule_id,
          err,
        });
        return;
      }
      const delay = backoffDelay(state.attempt, maxRetryDelayMs, 500);
      retry.set(key, { attempt: state.attempt + 1, nextAt: now() + delay });
      log.warn('notification delivery failed; will retry', {
        route: owed.route,
        rule: owed.transition.rule_id,
        attempt: state.attempt + 1,
        delay_ms: delay,
        err,
      });
    }
  };

  /** Starts one delivery without waiting for it, unless its lane is in flight or its route at its bound (a later
   * pass picks it up). */
  const launch = (o: Owed, lane: string, silenced: boolean): void => {
    const lanes = inFlight.get(o.route) ?? new Set<string>();
    inFlight.set(o.route, lanes);
    if (lanes.has(lane) || lanes.size >= perRoute) return;
    lanes.add(lane);
    const delivery = attempt(o, silenced)
      .catch((err: unknown) =>
        log.error('notification delivery failed unexpectedly', { route: o.route, rule: o.transition.rule_id, err }),
      )
      .finally(() => {
        lanes.delete(lane);
        running.delete(delivery);
      });
    running.add(delivery);
  };

  const pass = async () => {
    const queried = performance.now();
    const owed = [...(await owedTransitions()), ...(await owedRepeats())];
    // Rows that landed before this pass queried are already left out by the query.
    for (const [id, at] of recorded) if (at < queried) recorded.delete(id);
    if (owed.length === 0) return;
    const silences = (await listSilences(store)).filter((s) => isActiveSilence(s, now()));
    // One message at a time per alert and route, oldest first, so resolved never overtakes firing: a lane whose
    // oldest message is in flight (or waits for room on its route) sends nothing newer in this pass.
    const seen = new Set<string>();
    for (const o of owed) {
      const lane = `${o.transition.fingerprint}/${o.route}`;
      if (seen.has(lane)) continue;
      seen.add(lane);
      // Checked here, after the last await: a delivery may have landed while this pass was reading silences.
      if (recorded.has(notificationId(o.transition.id, o.route, o.repeat))) continue;
      launch(
        o,
        lane,
        silences.some((s) => matchesAll(s.matchers, alertLabels(o.transition))),
      );
    }
  };

  const passes = singleFlight(pass, (err) => log.error('notification outbox pass failed', { err }));
  const settled = async () => {
    while (running.size > 0) await Promise.all([...running]);
  };
  const poll = async () => {
    await passes.run();
    await settled();
  };

  return {
    start() {
      timer = setInterval(() => void passes.run(), pollMs);
      void passes.run();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await passes.current();
      await settled();
    },
    poll,
  };
}
