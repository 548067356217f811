// After a crash (or a dropped connection), messages a run had stored but whose acks never reached RabbitMQ come
// back marked redelivered. Inserts are atomic and acks follow each insert at once, so such messages can only
// sit in the last batches a run stored before it died: a redelivered message is taken for a stored one only
// when a batch stored within RECENT_MS of the end of its run holds an unclaimed copy of its hash. Claims are
// remembered for the life of the process, because RabbitMQ may hand back one stored batch split across
// several of ours, or only partly (some of its acks did arrive before the kill).
//
// What this cannot tell apart: two byte-identical trace messages (same connection, channel, routing, properties
// and body) where one was stored and acked and its twin, not yet stored, was in flight at the crash, both
// within RECENT_MS of the end of the run. The twin is then taken for a redelivery and not stored.
import type { StoredTapBatch } from '@rollcall/core/store/queries';

export const RECENT_MS = 60_000;

export interface Redelivered {
  index: number;
  hash: number;
}

export class RedeliveryClaims {
  // tap_batch → hash → copies already matched to a redelivered message
  private readonly claimed = new Map<number, Map<number, number>>();

  /** Indexes of the redelivered messages that are copies of stored rows; each stored copy is claimed once. */
  match(redelivered: Redelivered[], stored: StoredTapBatch[]): Set<number> {
    // copies of each hash per batch, counted once: a batch can hold thousands of hashes
    const candidates = stored
      .filter((b) => b.at >= b.runLast - RECENT_MS)
      .sort((a, b) => b.at - a.at)
      .map((b) => ({ batch: b.batch, copies: b.hashes.reduce((m, h) => m.set(h, (m.get(h) ?? 0) + 1), new Map<number, number>()) }));
    const skip = new Set<number>();
    for (const { index, hash } of redelivered) {
      for (const batch of candidates) {
        const copies = batch.copies.get(hash) ?? 0;
        const used = this.claimed.get(batch.batch)?.get(hash) ?? 0;
        if (copies <= used) continue;
        this.claimed.set(batch.batch, (this.claimed.get(batch.batch) ?? new Map<number, number>()).set(hash, used + 1));
        skip.add(index);
        break;
      }
    }
    return skip;
  }
}
