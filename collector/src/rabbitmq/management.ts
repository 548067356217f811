// A small client for the RabbitMQ management API: tracing state per vhost, queue depth and per-queue stats.
export interface Management {
  tracing(vhost: string): Promise<boolean>;
  queueDepth(vhost: string, queue: string): Promise<number>;
  /** Every queue in the vhost with its depth, consumers and message rates (refreshed by the broker every
   * collect_statistics_interval, 5 s by default). */
  queueStats(vhost: string): Promise<QueueStats[]>;
  /** Exchange → queue bindings in the vhost; the default exchange is named '' as in the management API. */
  queueBindings(vhost: string): Promise<{ exchange: string; queue: string }[]>;
  /** Open connections: the broker's name for each ("127.0.0.1:50312 -> 127.0.0.1:5672", what the firehose
   * records) and the name its client gave itself (client_properties.connection_name), when it gave one. */
  connections(): Promise<{ name: string; clientName: string; user: string }[]>;
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
  'name', 'vhost', 'messages_ready', 'messages_unacknowledged', 'consumers',
  'message_stats.publish_details.rate', 'message_stats.deliver_get_details.rate', 'message_stats.ack_details.rate',
].join(',');

const rateOf = (stats: unknown, key: string): number => {
  const details = (stats as Record<string, { rate?: unknown } | undefined> | undefined)?.[key];
  return Number(details?.rate ?? 0);
};

export class ManagementError extends Error {
  override name = 'ManagementError';
}

/** Credentials come from the AMQP URL so there is one secret to configure, not two. */
export function createManagement(managementUrl: string, amqpUrl: string, fetchImpl: typeof fetch = fetch): Management {
  const amqp = new URL(amqpUrl);
  const auth = 'Basic ' + Buffer.from(`${decodeURIComponent(amqp.username || 'guest')}:${decodeURIComponent(amqp.password || 'guest')}`).toString('base64');
  const get = async (path: string): Promise<unknown> => {
    const url = new URL(path, managementUrl);
    let res: Response;
    try {
      res = await fetchImpl(url, { headers: { authorization: auth }, signal: AbortSignal.timeout(5000) });
    } catch (err) {
      throw new ManagementError(`RabbitMQ management API at ${url.origin} did not answer (${(err as Error).message}); is rabbitmq_management enabled?`);
    }
    if (!res.ok) throw new ManagementError(`RabbitMQ management API ${url.pathname} answered ${res.status}`);
    return res.json();
  };
  const getObject = async (path: string) => (await get(path)) as Record<string, unknown>;
  const getList = async (path: string) => {
    const found = await get(path);
    if (!Array.isArray(found)) throw new ManagementError(`RabbitMQ management API ${path} did not answer with a list`);
    return found as Record<string, unknown>[];
  };
  return {
    async tracing(vhost) {
      return (await getObject(`/api/vhosts/${encodeURIComponent(vhost)}`)).tracing === true;
    },
    async queueDepth(vhost, queue) {
      return Number((await getObject(`/api/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(queue)}`)).messages ?? 0);
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
    async queueBindings(vhost) {
      const bindings = await getList(`/api/bindings/${encodeURIComponent(vhost)}`);
      return bindings.filter((b) => b.destination_type === 'queue').map((b) => ({ exchange: String(b.source ?? ''), queue: String(b.destination) }));
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
