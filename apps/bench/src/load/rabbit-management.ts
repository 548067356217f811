// The RabbitMQ management API calls the benchmark needs: versions, node and queue figures, and the firehose
// switch per vhost. Credentials come from the AMQP URL, as in the collector (managementAuthorization).
import { managementAuthorization } from '@rollcall/collector/rabbitmq/management';

export interface QueueFigures {
  messages: number;
  unacked: number;
  published: number;
  delivered: number;
}

export interface NodeFigures {
  name: string;
  memUsed: number;
  memLimit: number;
  diskFree: number;
  fdUsed: number;
}

export interface RabbitAdmin {
  vhost: string;
  overview(): Promise<{ rabbitmqVersion: string; erlangVersion: string; clusterName: string }>;
  nodes(): Promise<NodeFigures[]>;
  queue(name: string): Promise<QueueFigures>;
  tracing(): Promise<boolean>;
  /** Queues bound to the firehose exchange: with tracing on, each gets a copy of every publish and delivery. */
  traceBindings(): Promise<number>;
  /** Turns the firehose on or off in this vhost (what `rabbitmqctl trace_on|trace_off -p VHOST` does). */
  setTracing(on: boolean): Promise<void>;
}

export class ManagementError extends Error {
  override name = 'ManagementError';
}

/** The vhost an AMQP URL names: its path, '/' when it has none. */
export function vhostOf(amqpUrl: string): string {
  const path = new URL(amqpUrl).pathname;
  return path.length > 1 ? decodeURIComponent(path.slice(1)) : '/';
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

export function createRabbitAdmin(
  managementUrl: string,
  amqpUrl: string,
  fetchImpl: typeof fetch = fetch,
): RabbitAdmin {
  const auth = managementAuthorization(amqpUrl);
  const vhost = vhostOf(amqpUrl);
  const v = encodeURIComponent(vhost);
  const call = async (method: 'GET' | 'PUT', path: string, body?: unknown): Promise<unknown> => {
    const url = new URL(path, managementUrl);
    let res: Response;
    try {
      res = await fetchImpl(url, {
        method,
        headers: { authorization: auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw new ManagementError(
        `RabbitMQ management API at ${url.origin} did not answer (${(err as Error).message}); is rabbitmq_management enabled?`,
      );
    }
    if (!res.ok) throw new ManagementError(`RabbitMQ management API ${method} ${url.pathname} answered ${res.status}`);
    const text = await res.text();
    return text ? (JSON.parse(text) as unknown) : undefined;
  };
  const get = async (path: string) => (await call('GET', path)) as Record<string, unknown>;
  return {
    vhost,
    async overview() {
      const o = await get('/api/overview');
      return {
        rabbitmqVersion: str(o.rabbitmq_version),
        erlangVersion: str(o.erlang_version),
        clusterName: str(o.cluster_name),
      };
    },
    async nodes() {
      const list = (await call('GET', '/api/nodes')) as Record<string, unknown>[];
      return list.map((n) => ({
        name: str(n.name),
        memUsed: num(n.mem_used),
        memLimit: num(n.mem_limit),
        diskFree: num(n.disk_free),
        fdUsed: num(n.fd_used),
      }));
    },
    async queue(name) {
      const q = await get(`/api/queues/${v}/${encodeURIComponent(name)}`);
      const stats = (q.message_stats ?? {}) as Record<string, unknown>;
      return {
        messages: num(q.messages),
        unacked: num(q.messages_unacknowledged),
        published: num(stats.publish),
        delivered: num(stats.deliver_get),
      };
    },
    async tracing() {
      return (await get(`/api/vhosts/${v}`)).tracing === true;
    },
    async traceBindings() {
      return ((await call('GET', `/api/exchanges/${v}/amq.rabbitmq.trace/bindings/source`)) as unknown[]).length;
    },
    async setTracing(on) {
      // PUT replaces the vhost's settings: carry its description and tags over so only tracing changes.
      const current = await get(`/api/vhosts/${v}`);
      const meta = (current.metadata ?? {}) as Record<string, unknown>;
      await call('PUT', `/api/vhosts/${v}`, {
        description: str(meta.description ?? current.description),
        tags: Array.isArray(meta.tags) ? meta.tags.join(',') : '',
        tracing: on,
      });
    },
  };
}
