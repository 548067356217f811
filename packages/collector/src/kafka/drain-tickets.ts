// Drain tickets: a join while inserts are outstanding gets one, and its marker is stored once they are done
// (see drain-assigner.ts for why the leader waits for them).
import type { PartitionAssigner } from 'kafkajs';
import type { Config } from '@rollcall/core/config/schema';
import type { Logger } from '@rollcall/core/log';
import { backoffDelay, sleep } from '@rollcall/core/retry';
import { DRAIN_MARKER_PREFIX } from '@rollcall/core/store/migrations';
import type { Store } from '@rollcall/core/store';
import { drainAssigner } from './drain-assigner.ts';
import { hasMarker, setMarker } from './markers.ts';

export interface DrainTicketDeps {
  config: Config;
  store: Store;
  log: Logger;
  now: () => number;
  /** True once the tap is stopping: a marker is then retried only a few times. */
  stopping: () => boolean;
  /** Whether rows handed to the tap are not stored yet. */
  outstanding: () => boolean;
  /** Settles once every row handed to the tap so far is stored (or failed). */
  allStored: () => Promise<void>;
}

/** The drain assigner, with tickets whose markers this member stores in the store. */
export function drainTicketAssigner({
  config,
  store,
  log,
  now,
  stopping,
  outstanding,
  allStored,
}: DrainTicketDeps): PartitionAssigner {
  const cfg = config.kafka;
  let tickets = 0;
  const drainMarker = (ticket: string) => `${DRAIN_MARKER_PREFIX}${cfg.cluster}/${cfg.group_id}/${ticket}`;
  const storeMarker = async (name: string) => {
    for (let attempt = 0; !stopping() || attempt < 3; attempt++) {
      try {
        await setMarker(store, name, now());
        return;
      } catch (err) {
        log.warn('could not store a drain marker; retrying', { err, marker: name });
        await sleep(backoffDelay(attempt, config.writer.max_retry_delay, 250));
      }
    }
  };
  return drainAssigner({
    ticket: () => {
      if (!outstanding()) return undefined;
      const ticket = `${store.run}-${++tickets}`;
      void allStored().then(() => storeMarker(drainMarker(ticket)));
      return ticket;
    },
    drained: (ticket) => hasMarker(store, drainMarker(ticket)),
    timeoutMs: Math.max(5000, cfg.session_timeout - 5000),
    log,
  });
}
