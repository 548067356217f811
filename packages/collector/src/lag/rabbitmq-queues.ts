// Reads every matching RabbitMQ queue once per vhost through the management API, with the exchanges bound to
// it. A vhost that cannot be read is reported as such, so only its queues get an error round.
import type { Management, QueueStats } from '../rabbitmq/management.ts';
import { selectTopics, type TopicFilter } from '../kafka/topics.ts';

export interface QueueRead {
  vhost: string;
  stats: QueueStats;
  /** every exchange bound to the queue, as the tap names streams (amq.default for the default exchange) */
  exchanges: string[];
  /** what the queue is reported as consuming: the bound exchanges, the default one only when nothing else is */
  streams: string[];
}

export interface VhostRead {
  vhost: string;
  /** by queue group name */
  queues?: Map<string, QueueRead>;
  error?: string;
}

/** The group a queue is reported as: its name, prefixed with its vhost outside the default one. */
export const queueGroup = (vhost: string, queue: string) => (vhost === '/' ? queue : `${vhost}/${queue}`);

export async function readQueues(management: Management, vhosts: string[], filter: TopicFilter): Promise<VhostRead[]> {
  return Promise.all(
    vhosts.map(async (vhost): Promise<VhostRead> => {
      try {
        const [stats, bindings] = await Promise.all([management.queueStats(vhost), management.queueBindings(vhost)]);
        const bound = new Map<string, Set<string>>();
        for (const b of bindings)
          bound.set(b.queue, (bound.get(b.queue) ?? new Set()).add(b.exchange === '' ? 'amq.default' : b.exchange));
        const byGroup = new Map(stats.map((q) => [queueGroup(vhost, q.name), q]));
        const queues = new Map<string, QueueRead>();
        for (const group of selectTopics([...byGroup.keys()], filter)) {
          const q = byGroup.get(group);
          if (!q) continue;
          const exchanges = [...(bound.get(q.name) ?? [])].sort();
          const named = exchanges.filter((x) => x !== 'amq.default');
          queues.set(group, { vhost, stats: q, exchanges, streams: named.length ? named : exchanges });
        }
        return { vhost, queues };
      } catch (err) {
        return { vhost, error: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
}
