// The lag role: every lag.interval it reads every Kafka consumer group and RabbitMQ queue, judges each over
// its last lag.window samples, keeps the result for latest() and stores samples and statuses in ClickHouse.
// A group or queue that cannot be read gets ERR for that round; the rest are sampled as usual.
import { Kafka, logLevel } from 'kafkajs';
import type { Config } from '@rollcall/core/config/schema';
import type { Logger } from '@rollcall/core/log';
import type { Store } from '@rollcall/core/store';
import { kafkaClientOptions, kafkaLogCreator } from '../kafka/client-options.ts';
import { createManagement, type Management } from '../rabbitmq/management.ts';
import { createAdminLink, type AdminLink } from './admin-link.ts';
import { evaluateKafkaGroup, type KafkaGroupRound } from './kafka-evaluator.ts';
import { failedRound, readKafkaGroups, type GroupSample } from './kafka-groups.ts';
import { createMessageAges, offsetKey } from './message-age.ts';
import { evaluateQueue, type QueueRound } from './rabbitmq-evaluator.ts';
import { readQueues } from './rabbitmq-queues.ts';
import { insertLagRound, type SampleRow, type StatusRow } from './records.ts';
import { severity, type GroupLag, type LagSnapshot } from './status.ts';

export interface LagSamplerDeps {
  config: Config;
  store: Store;
  log: Logger;
  now?: () => number;
  /** defaults to one built from config.rabbitmq */
  management?: Management;
}

export interface LagSampler {
  /** Starts sampling at once and every lag.interval after; never throws for a broker that is down. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The last round, worst status first, as GET /api/v1/lag answers it. */
  latest(): LagSnapshot;
}

interface Tracked<R> {
  rounds: R[];
  streams: string[];
}

interface RoundResult {
  groups: GroupLag[];
  samples: SampleRow[];
  statuses: StatusRow[];
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
const seconds = (at: number, ts: number | undefined) => (ts === undefined ? null : Math.max(0, (at - ts) / 1000));
const lastRead = <R extends { error?: string }>(rounds: R[]): R | undefined =>
  rounds.filter((r) => r.error === undefined).at(-1);

export function createLagSampler({
  config,
  store,
  log: parentLog,
  now = Date.now,
  management,
}: LagSamplerDeps): LagSampler {
  const log = parentLog.child({ role: 'lag' });
  const { interval, window } = config.lag;
  const ages = createMessageAges(store);
  const groups = new Map<string, Tracked<KafkaGroupRound>>();
  const queues = new Map<string, Tracked<QueueRound> & { vhost: string }>();
  const kafkaCluster = config.kafka.cluster;
  const rabbitCluster = config.rabbitmq.cluster;
  const link: AdminLink | undefined = config.kafka.enabled
    ? createAdminLink(
        // Few retries: a round that waits on an unreachable broker delays every other group's sample.
        new Kafka({
          ...kafkaClientOptions(config.kafka),
          clientId: `${config.kafka.client_id}-lag`,
          logLevel: logLevel.WARN,
          logCreator: kafkaLogCreator(log),
          retry: { retries: 2 },
        }),
        log,
        now,
      )
    : undefined;
  const rabbit = config.rabbitmq.enabled
    ? (management ?? createManagement(config.rabbitmq.management_url, config.rabbitmq.url))
    : undefined;
  let snapshot: LagSnapshot = { at: null, groups: [] };

  const remember = <R>(tracked: Tracked<R> | undefined, round: R): Tracked<R> => {
    const next = tracked ?? { rounds: [], streams: [] };
    next.rounds.push(round);
    if (next.rounds.length > window) next.rounds.splice(0, next.rounds.length - window);
    return next;
  };

  const sampleKafka = async (kafkaLink: AdminLink, at: number): Promise<RoundResult> => {
    let read: Map<string, GroupSample>;
    try {
      read = await kafkaLink.use((admin) => readKafkaGroups(admin, config.lag.kafka.groups, at));
    } catch (err) {
      // The cluster as a whole could not be read: every group seen before is in error, not gone.
      read = new Map(
        [...groups.keys()].map((g) => [g, { round: failedRound(at, `Kafka: ${message(err)}`), topics: [] }]),
      );
    }
    for (const g of [...groups.keys()]) if (!read.has(g)) groups.delete(g);

    const behind = [...read.values()].flatMap(({ round }) => round.partitions.filter((p) => p.lag > 0));
    let times = new Map<string, number>();
    try {
      times = await ages.kafka(kafkaCluster, behind, at);
    } catch (err) {
      log.warn('could not estimate Kafka lag in seconds from stored events', { err });
    }

    const result: RoundResult = { groups: [], samples: [], statuses: [] };
    for (const [group, { round: raw, topics }] of read) {
      const round = {
        ...raw,
        partitions: raw.partitions.map((p) => ({
          ...p,
          lagSeconds: p.lag === 0 ? 0 : seconds(at, times.get(offsetKey(p))),
        })),
      };
      const tracked = remember(groups.get(group), round);
      groups.set(group, tracked);
      if (round.error === undefined) tracked.streams = topics;
      const verdict = evaluateKafkaGroup(tracked.rounds, window);
      // An unreadable round carries the last numbers that were read, so the group does not look caught up.
      const shown = lastRead(tracked.rounds) ?? round;
      const lag = shown.partitions.reduce((n, p) => n + p.lag, 0);
      const lagSeconds = Math.max(0, ...shown.partitions.map((p) => p.lagSeconds ?? 0));
      result.groups.push({
        broker: 'kafka',
        cluster: kafkaCluster,
        group,
        ...verdict,
        lag,
        lag_seconds: lagSeconds,
        consumers: shown.members,
        streams: tracked.streams,
      });
      result.statuses.push({
        at,
        broker: 'kafka',
        cluster: kafkaCluster,
        group_name: group,
        ...verdict,
        lag,
        lag_seconds: lagSeconds,
        consumers: shown.members,
        streams: tracked.streams,
        state: round.state,
      });
      for (const p of round.partitions) {
        result.samples.push({
          at,
          broker: 'kafka',
          cluster: kafkaCluster,
          group_name: group,
          stream: p.topic,
          partition: p.partition,
          committed: p.committed,
          log_start: p.logStart,
          log_end: p.logEnd,
          lag: p.lag,
          lag_seconds: p.lagSeconds,
          owner: p.owner,
          unacked: 0,
          consumers: round.members,
          publish_rate: 0,
          deliver_rate: 0,
          ack_rate: 0,
        });
      }
    }
    return result;
  };

  const sampleRabbit = async (mgmt: Management, at: number): Promise<RoundResult> => {
    const vhosts = await readQueues(mgmt, config.rabbitmq.vhosts, config.lag.rabbitmq.queues);
    const rounds = new Map<
      string,
      { round: QueueRound; vhost: string; queue: string; exchanges: string[]; streams: string[] }
    >();
    for (const v of vhosts) {
      const known = [...queues].filter(([, q]) => q.vhost === v.vhost).map(([group]) => group);
      if (!v.queues) {
        for (const group of known) {
          const last = queues.get(group)?.rounds.at(-1);
          const round: QueueRound = {
            at,
            error: `RabbitMQ vhost ${v.vhost}: ${v.error ?? 'unreadable'}`,
            ready: 0,
            unacked: 0,
            consumers: 0,
            publishRate: 0,
            deliverRate: 0,
            ackRate: 0,
            lagSeconds: last?.lagSeconds ?? null,
          };
          rounds.set(group, {
            round,
            vhost: v.vhost,
            queue: group,
            exchanges: [],
            streams: queues.get(group)?.streams ?? [],
          });
        }
        continue;
      }
      for (const group of known) if (!v.queues.has(group)) queues.delete(group);
      for (const [group, q] of v.queues) {
        const { stats } = q;
        const round: QueueRound = {
          at,
          ready: stats.ready,
          unacked: stats.unacked,
          consumers: stats.consumers,
          publishRate: stats.publishRate,
          deliverRate: stats.deliverRate,
          ackRate: stats.ackRate,
          lagSeconds: null,
        };
        rounds.set(group, { round, vhost: v.vhost, queue: stats.name, exchanges: q.exchanges, streams: q.streams });
      }
    }

    let heads = new Map<string, number>();
    try {
      const wanted = [...rounds]
        .filter(([, r]) => r.round.error === undefined)
        .map(([key, r]) => ({ key, queue: r.queue, exchanges: r.exchanges, depth: r.round.ready }));
      heads = await ages.rabbitmq(rabbitCluster, wanted, at);
    } catch (err) {
      log.warn('could not estimate RabbitMQ lag in seconds from stored events', { err });
    }

    const result: RoundResult = { groups: [], samples: [], statuses: [] };
    for (const [group, r] of rounds) {
      const round =
        r.round.error === undefined
          ? { ...r.round, lagSeconds: r.round.ready === 0 ? 0 : seconds(at, heads.get(group)) }
          : r.round;
      const tracked = { ...remember(queues.get(group), round), vhost: r.vhost };
      if (round.error === undefined) tracked.streams = r.streams;
      queues.set(group, tracked);
      const verdict = evaluateQueue(tracked.rounds, window);
      const shown = lastRead(tracked.rounds) ?? round;
      const lagSeconds = shown.lagSeconds ?? 0;
      result.groups.push({
        broker: 'rabbitmq',
        cluster: rabbitCluster,
        group,
        ...verdict,
        lag: shown.ready,
        lag_seconds: lagSeconds,
        consumers: shown.consumers,
        streams: tracked.streams,
      });
      result.statuses.push({
        at,
        broker: 'rabbitmq',
        cluster: rabbitCluster,
        group_name: group,
        ...verdict,
        lag: shown.ready,
        lag_seconds: lagSeconds,
        consumers: shown.consumers,
        streams: tracked.streams,
        state: '',
      });
      if (round.error !== undefined) continue;
      result.samples.push({
        at,
        broker: 'rabbitmq',
        cluster: rabbitCluster,
        group_name: group,
        stream: r.queue,
        partition: -1,
        committed: -1,
        log_start: -1,
        log_end: -1,
        lag: round.ready,
        lag_seconds: round.lagSeconds,
        owner: '',
        unacked: round.unacked,
        consumers: round.consumers,
        publish_rate: round.publishRate,
        deliver_rate: round.deliverRate,
        ack_rate: round.ackRate,
      });
    }
    return result;
  };

  const round = async () => {
    const at = now();
    const started = Date.now();
    const empty: RoundResult = { groups: [], samples: [], statuses: [] };
    const [kafka, rabbitmq] = await Promise.all([
      link ? sampleKafka(link, at) : empty,
      rabbit ? sampleRabbit(rabbit, at) : empty,
    ]);
    log.debug('lag round sampled', {
      ms: Date.now() - started,
      kafka_groups: kafka.groups.length,
      queues: rabbitmq.groups.length,
    });
    const all = [...kafka.groups, ...rabbitmq.groups].sort(
      (a, b) =>
        severity(b.status) - severity(a.status) || a.broker.localeCompare(b.broker) || a.group.localeCompare(b.group),
    );
    snapshot = { at: new Date(at).toISOString(), groups: all };
    try {
      await insertLagRound(store, [...kafka.samples, ...rabbitmq.samples], [...kafka.statuses, ...rabbitmq.statuses]);
    } catch (err) {
      log.warn('could not store lag samples; the next round tries again with its own', { err });
    }
  };

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = true;
  const tick = () => {
    const started = Date.now();
    running = round()
      .catch((err: unknown) => log.error('lag sampling round failed', { err }))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, Math.max(0, interval - (Date.now() - started)));
      });
  };

  return {
    async start() {
      if (!stopped) return;
      stopped = false;
      log.info('lag sampler started', {
        interval_ms: interval,
        window,
        kafka: config.kafka.enabled,
        rabbitmq: config.rabbitmq.enabled,
      });
      tick();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await link?.close();
    },
    latest: () => snapshot,
  };
}
