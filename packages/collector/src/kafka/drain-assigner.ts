// A partition assigner that hands partitions over only once their previous owners' inserts are stored.
//
// The tap returns from eachBatch while the batch's rows are still being inserted, so the next fetch and its
// decoding overlap the insert. A partition that moves in a rebalance must not be read by its new owner before
// the old owner's insert has landed: the new owner skips offsets at or below the stored high-water mark, which
// it reads when it first gets the partition. So each member says in its join metadata whether it still has
// inserts outstanding (a ticket, written to the store as a marker once they are stored), and the leader assigns
// only after every ticket's marker is in the store. Members in other processes are covered the same way, since
// the store is the one thing they share.
import { AssignerProtocol, PartitionAssigners, type PartitionAssigner } from 'kafkajs';
import type { Logger } from '@rollcall/core/log';
import { sleep } from '@rollcall/core/retry';

export const DRAIN_PROTOCOL = 'RollcallDrain';

export interface DrainHooks {
  /** Called as this member joins: a ticket when inserts are outstanding (its marker follows once they are stored). */
  ticket(): string | undefined;
  /** True once the ticket's marker is in the store. */
  drained(ticket: string): Promise<boolean>;
  /** How long the leader waits before giving up this round (the join is then retried). */
  timeoutMs: number;
  log: Logger;
}

export class DrainTimeoutError extends Error {
  override name = 'DrainTimeoutError';
  readonly retriable = true;
}

const POLL_MS = 50;

export function drainAssigner(hooks: DrainHooks): PartitionAssigner {
  return (context) => {
    const roundRobin = PartitionAssigners.roundRobin(context);
    return {
      name: DRAIN_PROTOCOL,
      version: 1,
      protocol({ topics }) {
        const userData = Buffer.from(hooks.ticket() ?? '');
        return {
          name: DRAIN_PROTOCOL,
          metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData }),
        };
      },
      async assign(group) {
        const tickets = group.members
          .map((m) => AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.userData.toString() ?? '')
          .filter((t) => t !== '');
        await waitForTickets(tickets, hooks);
        return roundRobin.assign(group);
      },
    };
  };
}

async function waitForTickets(tickets: string[], hooks: DrainHooks): Promise<void> {
  const deadline = Date.now() + hooks.timeoutMs;
  let open = tickets;
  while (open.length) {
    const drained = await Promise.all(open.map((t) => hooks.drained(t).catch(() => false)));
    open = open.filter((_, i) => !drained[i]);
    if (!open.length) return;
    if (Date.now() >= deadline) {
      // Assigning now could let a partition's new owner store rows the old owner is still inserting: refuse, and
      // let kafkajs restart the join, by which time the inserts have usually landed.
      throw new DrainTimeoutError(
        `previous owners still have inserts outstanding after ${hooks.timeoutMs} ms (tickets ${open.join(', ')}); is ClickHouse slow or down?`,
      );
    }
    await sleep(POLL_MS);
  }
  hooks.log.debug('previous owners drained; assigning', { tickets: tickets.length });
}
