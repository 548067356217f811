// What a bench tap's store holds of one firehose phase, told apart from other traffic in the vhost by the load's
// queue names: publishes to them and deliveries from them stored as rows, and deliveries counted per queue from
// the management API (rabbitmq.trace: publish). Read in the tap's process, which owns the embedded store.
import { queryRows } from '@rollcall/core/store/queries';
import type { Store } from '@rollcall/core/store';

export interface QueueTally {
  publishes: number;
  deliveriesTraced: number;
  deliveriesCounted: number;
}

export async function tallyQueues(store: Store, queuePrefix: string): Promise<QueueTally> {
  const [row] = await queryRows<{ publishes: string; traced: string; counted: string }>(
    store,
    // The load publishes through the default exchange, so a publish's routing key is its queue's name.
    `SELECT
       (SELECT count() FROM ${store.db}.events
        WHERE broker = 'rabbitmq' AND kind = 'publish' AND startsWith(routing_key, {prefix:String})) AS publishes,
       (SELECT count() FROM ${store.db}.events
        WHERE broker = 'rabbitmq' AND kind = 'deliver' AND startsWith(queue, {prefix:String})) AS traced,
       (SELECT sum(count) FROM ${store.db}.event_counts
        WHERE broker = 'rabbitmq' AND kind = 'deliver' AND startsWith(queue, {prefix:String})) AS counted`,
    { prefix: queuePrefix },
  );
  return {
    publishes: Number(row?.publishes ?? 0),
    deliveriesTraced: Number(row?.traced ?? 0),
    deliveriesCounted: Number(row?.counted ?? 0),
  };
}
