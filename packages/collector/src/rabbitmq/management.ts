// A small client for the RabbitMQ management API: tracing state per vhost, queue depth and per-queue stats.
export interface Management {
  tracing(vhost: string): Promise<boolean>;
  /** Turns the vhost's firehose on or off, keeping its description, tags and default queue type (a PUT without
   * them clears them). Needs the `administrator` tag; throws ManagementError with the status otherwise. */
  setTracing(vhost: string, on: boolean): Promise<void>;
  /** The vhost's tracing flag and its cumulative message counters (see VhostCounters). */
  vhostCounters(vhost: string): Promise<VhostCounters>;
  /** Queues bound to the vhost's firehose exchange (amq.rabbitmq.trace): every tap queue, Rollcall's or not. */
  traceQueues(vhost: string): Promise<string[]>;
  /** A queue's depth and cumulative counters, or undefined when it does not exist. */
  queueCounters(vhost: string, queue: string): Promise<QueueCounters | undefined>;
  /** A global runtime parameter's value (undefined when unset); setting one needs the `administrator` tag. */
  globalParameter(name: string): Promise<unknown>;
  /** Every global runtime parameter whose name starts with `prefix`, with its value. */
  globalParameters(prefix: string): Promise<{ name: string; value: unknown }[]>;
  setGlobalParameter(name: string, value: unknown): Promise<void>;
  deleteGlobalParameter(name: string): Promise<void>;
  /** ms since epoch when each node of the cluster booted (from its uptime): its counters start there. */
  nodesBootedAt(): Promise<Record<string, number>>;
  queueDepth(vhost: string, queue: string): Promise<number>;
  /** Every queue in the vhost with its depth, consumers and message rates (refreshed by the broker every
   * collect_statistics_interval, 5 s by default). */
  queueStats(vhost: string): Promise<QueueStats[]>;
  /** Every queue in the vhost with the node it lives on and its cumulative deliver_get (deliveries to consumers
   * and basic.get, redeliveries included; 0 before its first), as the management database last heard it. */
  queueDeliveries(vhost: string): Promise<QueueDeliveries[]>;
  /** Exchange → queue bindings in the vhost; the default exchange is named '' as in the management API. */
  queueBindings(vhost: string): Promise<{ exchange: string; queue: string }[]>;
  /** Open connections: the broker's name for each ("127.0.0.1:50312 -> 127.0.0.1:5672", what the firehose
   * records) and the name its client gave itself (client_properties.connection_name), when it gave one. */
  connections(): Promise<{ name: string; clientName: string; user: string }[]>;
}

/** Cumulative since the management database started (a broker restart resets them). Channels emit their counts
 * every collect_statistics_interval (5 s by default) and when they close, so a reading lags the truth by up to
 * that interval; it is exact only once traffic has been quiet for longer than it. A publish in an AMQP
 * transaction is counted at tx.commit, never if rolled back. */
export interface VhostCounters {
  tracing: boolean;
  /** basic.publish received (committed, for transactional channels). */
  publish: number;
  /** Messages delivered to consumers and basic.get, redeliveries included. */
  deliverGet: number;
}

/** A node whose boot time moved more than this has restarted (uptime is read a few ms after the clock): its
 * counters started again from zero. */
export const BOOT_SLACK_MS = 30_000;

/** How long a counter that reads lower than before on the same boot must stay lower before it is believed to have
 * started over (a queue deleted and declared again). The management database is eventually consistent: when a
 * channel closes, its share of a queue's ack and deliver_get can vanish from the totals for a reading or two
 * before it is folded back in, and taking that dip for a restart would lose what was counted against the old
 * value, or count the whole counter again once it comes back. */
export const COUNTER_DIP_MS = 30_000;

/** A lower reading at `at` of a counter that has read lower since `since` (undefined: until now it had not):
 * whether to believe it yet, and since when the counter reads lower. */
export function lowerReading(since: number | undefined, at: number): { believed: boolean; since: number } {
  const first = since ?? at;
  return { believed: at - first >= COUNTER_DIP_MS, since: first };
}

export interface QueueCounters {
  /** Ready and unacknowledged (the queue process reports it every collect_statistics_interval). */
  messages: number;
  /** Acknowledged by consumers, cumulative. */
  ack: number;
  deliverGet: number;
}

export interface QueueDeliveries {
  name: string;
  node: string;
  deliverGet: number;
}

export interface QueueStats {
  vhost: string;
  name: string;
  ready: number;
  unacked: number;
  consumers: number;
  /** messages per second */
  publishRate: number;
  deliverRate: number;
  ackRate: number;
}

const QUEUE_COLUMNS = [
  'name',
  'vhost',
  'messages_ready',
  'messages_unacknowledged',
  'consumers',
  'message_stats.publish_details.rate',
  'message_stats.deliver_get_details.rate',
  'message_stats.ack_details.rate',
].join(',');

const rateOf = (stats: unknown, key: string): number => {
  const details = (stats as Record<string, { rate?: unknown } | undefined> | undefined)?.[key];
  return Number(details?.rate ?? 0);
};

export class ManagementError extends Error {
  override name = 'ManagementError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

const count = (stats: unknown, key: string): number =>
  Number((stats as Record<string, unknown> | undefined)?.[key] ?? 0);

/** The management API's Basic authorization, from the AMQP URL's user (guest when it names none): one secret to
 * configure, not two. */
export function managementAuthorization(amqpUrl: string): string {
  const amqp = new URL(amqpUrl);
  const user = `${decodeURIComponent(amqp.username || 'guest')}:${decodeURIComponent(amqp.password || 'guest')}`;
  return `Basic ${Buffer.from(user).toString('base64')}`;
}

export function createManagement(managementUrl: string, amqpUrl: string, fetchImpl: typeof fetch = fetch): Management {
  const auth = managementAuthorization(amqpUrl);
  /** The answer, whatever its status; a ManagementError when nothing answers (the plugin is often not enabled). */
  const reach = async (url: URL, init: RequestInit): Promise<Response> => {
    try {
      return await fetchImpl(url, init);
    } catch (err) {
      throw new ManagementError(
        `RabbitMQ management API at ${url.origin} did not answer (${(err as Error).message}); is rabbitmq_management enabled?`,
      );
    }
  };
  const get = async (path: string): Promise<unknown> => {
    const url = new URL(path, managementUrl);
    const res = await reach(url, { headers: { authorization: auth }, signal: AbortSignal.timeout(5000) });
    if (!res.ok)
      throw new ManagementError(`RabbitMQ management API ${url.pathname} answered ${res.status}`, res.status);
    return res.json();
  };
  const getObject = async (path: string) => (await get(path)) as Record<string, unknown>;
  const send = async (method: 'PUT' | 'DELETE', path: string, body?: unknown): Promise<void> => {
    const url = new URL(path, managementUrl);
    const res = await reach(url, {
      method,
      headers: { authorization: auth, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok)
      throw new ManagementError(
        `RabbitMQ management API ${method} ${url.pathname} answered ${res.status}${res.status === 401 || res.status === 403 ? ' (the user needs the administrator tag)' : ''}`,
        res.status,
      );
  };
  // GET /api/vhosts/{vhost} answers only administrators on 3.10; the list answers every user for the vhosts it
  // may use (monitoring users: all).
  const vhostRow = async (vhost: string, columns: string) => {
    const found = (await getList(`/api/vhosts?columns=${columns}`)).find((v) => v.name === vhost);
    if (!found) throw new ManagementError(`RabbitMQ vhost "${vhost}" does not exist or this user may not see it`, 404);
    return found;
  };
  /** undefined on 404, the object otherwise. */
  const find = async (path: string) =>
    getObject(path).catch((err: unknown) => {
      if (err instanceof ManagementError && err.status === 404) return undefined;
      throw err;
    });
  const getList = async (path: string) => {
    const found = await get(path);
    if (!Array.isArray(found)) throw new ManagementError(`RabbitMQ management API ${path} did not answer with a list`);
    return found as Record<string, unknown>[];
  };
  return {
    async tracing(vhost) {
      return (await vhostRow(vhost, 'name,tracing')).tracing === true;
    },
    async setTracing(vhost, on) {
      const path = `/api/vhosts/${encodeURIComponent(vhost)}`;
      const current = await getObject(path);
      const tags = Array.isArray(current.tags) ? current.tags.map(String).join(',') : String(current.tags ?? '');
      const queueType =
        typeof current.default_queue_type === 'string' && current.default_queue_type !== 'undefined'
          ? { default_queue_type: current.default_queue_type }
          : {};
      await send('PUT', path, { description: String(current.description ?? ''), tags, ...queueType, tracing: on });
    },
    async vhostCounters(vhost) {
      const v = await vhostRow(vhost, 'name,tracing,message_stats.publish,message_stats.deliver_get');
      return {
        tracing: v.tracing === true,
        publish: count(v.message_stats, 'publish'),
        deliverGet: count(v.message_stats, 'deliver_get'),
      };
    },
    async traceQueues(vhost) {
      const bindings = await getList(`/api/exchanges/${encodeURIComponent(vhost)}/amq.rabbitmq.trace/bindings/source`);
      return [...new Set(bindings.filter((b) => b.destination_type === 'queue').map((b) => String(b.destination)))];
    },
    async queueCounters(vhost, queue) {
      const q = await find(
        `/api/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(queue)}?columns=name,messages,message_stats.ack,message_stats.deliver_get`,
      );
      return (
        q && {
          messages: Number(q.messages ?? 0),
          ack: count(q.message_stats, 'ack'),
          deliverGet: count(q.message_stats, 'deliver_get'),
        }
      );
    },
    async globalParameter(name) {
      return (await find(`/api/global-parameters/${encodeURIComponent(name)}`))?.value;
    },
    async globalParameters(prefix) {
      const found = await getList('/api/global-parameters');
      return found
        .filter((p) => String(p.name).startsWith(prefix))
        .map((p) => ({ name: String(p.name), value: p.value }));
    },
    setGlobalParameter: (name, value) =>
      send('PUT', `/api/global-parameters/${encodeURIComponent(name)}`, { name, value }),
    async deleteGlobalParameter(name) {
      await send('DELETE', `/api/global-parameters/${encodeURIComponent(name)}`).catch((err: unknown) => {
        if (!(err instanceof ManagementError && err.status === 404)) throw err;
      });
    },
    async nodesBootedAt() {
      const at = Date.now();
      const nodes = await getList('/api/nodes?columns=name,uptime');
      return Object.fromEntries(nodes.map((n) => [String(n.name), at - Number(n.uptime ?? 0)]));
    },
    async queueDepth(vhost, queue) {
      return Number(
        (await getObject(`/api/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(queue)}`)).messages ?? 0,
      );
    },
    async queueStats(vhost) {
      const queues = await getList(`/api/queues/${encodeURIComponent(vhost)}?columns=${QUEUE_COLUMNS}`);
      return queues.map((q) => ({
        vhost: String(q.vhost ?? vhost),
        name: String(q.name),
        ready: Number(q.messages_ready ?? 0),
        unacked: Number(q.messages_unacknowledged ?? 0),
        consumers: Number(q.consumers ?? 0),
        publishRate: rateOf(q.message_stats, 'publish_details'),
        deliverRate: rateOf(q.message_stats, 'deliver_get_details'),
        ackRate: rateOf(q.message_stats, 'ack_details'),
      }));
    },
    async queueDeliveries(vhost) {
      const queues = await getList(
        `/api/queues/${encodeURIComponent(vhost)}?columns=name,node,message_stats.deliver_get`,
      );
      return queues.map((q) => ({
        name: String(q.name),
        node: String(q.node ?? ''),
        deliverGet: count(q.message_stats, 'deliver_get'),
      }));
    },
    async queueBindings(vhost) {
      const bindings = await getList(`/api/bindings/${encodeURIComponent(vhost)}`);
      return bindings
        .filter((b) => b.destination_type === 'queue')
        .map((b) => ({ exchange: String(b.source ?? ''), queue: String(b.destination) }));
    },
    async connections() {
      const found = await getList('/api/connections?columns=name,user,client_properties.connection_name');
      return found.map((c) => ({
        name: String(c.name ?? ''),
        clientName: String((c.client_properties as { connection_name?: unknown } | undefined)?.connection_name ?? ''),
        user: String(c.user ?? ''),
      }));
    },
  };
}
