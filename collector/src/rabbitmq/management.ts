// A small client for the RabbitMQ management API: tracing state per vhost and queue depth.
export interface Management {
  tracing(vhost: string): Promise<boolean>;
  queueDepth(vhost: string, queue: string): Promise<number>;
}

export class ManagementError extends Error {
  override name = 'ManagementError';
}

/** Credentials come from the AMQP URL so there is one secret to configure, not two. */
export function createManagement(managementUrl: string, amqpUrl: string, fetchImpl: typeof fetch = fetch): Management {
  const amqp = new URL(amqpUrl);
  const auth = 'Basic ' + Buffer.from(`${decodeURIComponent(amqp.username || 'guest')}:${decodeURIComponent(amqp.password || 'guest')}`).toString('base64');
  const get = async (path: string): Promise<Record<string, unknown>> => {
    const url = new URL(path, managementUrl);
    let res: Response;
    try {
      res = await fetchImpl(url, { headers: { authorization: auth }, signal: AbortSignal.timeout(5000) });
    } catch (err) {
      throw new ManagementError(`RabbitMQ management API at ${url.origin} did not answer (${(err as Error).message}); is rabbitmq_management enabled?`);
    }
    if (!res.ok) throw new ManagementError(`RabbitMQ management API ${url.pathname} answered ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  };
  return {
    async tracing(vhost) {
      return (await get(`/api/vhosts/${encodeURIComponent(vhost)}`)).tracing === true;
    },
    async queueDepth(vhost, queue) {
      return Number((await get(`/api/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(queue)}`)).messages ?? 0);
    },
  };
}
