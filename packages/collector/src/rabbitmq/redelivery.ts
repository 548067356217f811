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
//
// A claim holds only while the connection (session) that delivered its message lives. When that connection is
// lost, the skipped message's ack may never have reached RabbitMQ, and the message comes back once more: it must
// find its stored copy free again, or every reconnect would store it once more (a broker that closed the tap's
// connection every two seconds turned 7 messages into 21 rows this way). The price: a twin as above, redelivered
// after such a loss, can also take a copy whose claim was released.
//
// That rule is only for rows stored by other runs (a crashed predecessor, another collector on the same queue).
// RabbitMQ marks redelivered every message it handed to a connection that died, including those queued behind
// the one that killed it (see queue-reader.ts), which never reached us. Publishes that are byte-identical to
// earlier ones (same channel, properties, body) then looked like copies of this run's rows, whose claims had
// lapsed with the careful connection: 20 new messages after 7 long exchange names were all dropped (27 of 47
// stored). This run knows what it received, so a redelivered message is taken for a copy of this run's rows
// only when a message with its hash was stored (or skipped) on a connection that ended before its ack was
// surely processed: of a connection's last `window` (its prefetch) acks, those its end left uncertain.
import type { StoredTapBatch } from './stored-batches.ts';

export const RECENT_MS = 60_000;

export interface Redelivered {
  index: number;
  hash: number;
  /** The connection session that delivered it; a claim without one never lapses. */
  session?: number;
}

export class RedeliveryClaims {
  // tap_batch → hash → the sessions of the redelivered messages matched to its copies (-1: no session)
  private readonly claimed = new Map<number, Map<number, number[]>>();
  private readonly ended = new Set<number>();
  // This run's deliveries: per live session, the hashes of its last `window` messages stored or skipped, in the
  // order their acks went out; and per hash, how many of them may come back (their ack may have been lost).
  private readonly acking = new Map<number, number[]>();
  private readonly mayReturn = new Map<number, number>();

  /** run: this process's tap_run (undefined: every stored batch counts as another run's). window: the prefetch. */
  constructor(
    private readonly run?: number,
    private readonly window = Infinity,
  ) {}

  /** A delivery's rows were stored (or it was skipped as a copy) and its ack goes out now. No session: read
   * through the management API, whose removal may have failed. */
  handled(session: number | undefined, hash: number): void {
    if (session === undefined || this.ended.has(session)) return this.returning(hash, 1);
    const list = this.acking.get(session) ?? [];
    this.acking.set(session, list);
    list.push(hash);
    if (list.length > this.window) list.shift();
  }

  private returning(hash: number, n: number): void {
    const left = (this.mayReturn.get(hash) ?? 0) + n;
    if (left > 0) this.mayReturn.set(hash, left);
    else this.mayReturn.delete(hash);
  }

  /** The session's connection was lost: messages it skipped may come back, and may claim their copies again.
   * Of its last acks, `uncertain` may not have reached the broker (0 for a connection closed cleanly). */
  endSession(session: number, uncertain = Infinity): void {
    if (uncertain > 0) this.ended.add(session);
    const list = this.acking.get(session) ?? [];
    this.acking.delete(session);
    for (const hash of list.slice(Math.max(0, list.length - uncertain))) this.returning(hash, 1);
  }

  private holders(batch: number, hash: number): number[] {
    const byHash = this.claimed.get(batch) ?? new Map<number, number[]>();
    this.claimed.set(batch, byHash);
    const live = (byHash.get(hash) ?? []).filter((s) => !this.ended.has(s));
    byHash.set(hash, live);
    return live;
  }

  /** Indexes of the redelivered messages that are copies of stored rows; each stored copy is claimed once. */
  match(redelivered: Redelivered[], stored: StoredTapBatch[]): Set<number> {
    // copies of each hash per batch, counted once: a batch can hold thousands of hashes
    const candidates = stored
      .filter((b) => b.run !== this.run && b.at >= b.runLast - RECENT_MS)
      .sort((a, b) => b.at - a.at)
      .map((b) => ({
        batch: b.batch,
        copies: b.hashes.reduce((m, h) => m.set(h, (m.get(h) ?? 0) + 1), new Map<number, number>()),
      }));
    const skip = new Set<number>();
    for (const { index, hash, session = -1 } of redelivered) {
      if (this.mayReturn.has(hash)) {
        this.returning(hash, -1);
        skip.add(index);
        continue;
      }
      for (const batch of candidates) {
        const copies = batch.copies.get(hash) ?? 0;
        if (copies === 0) continue;
        const holders = this.holders(batch.batch, hash);
        if (copies <= holders.length) continue;
        holders.push(session);
        skip.add(index);
        break;
      }
    }
    return skip;
  }
}
