import { describe, expect, it } from 'vitest';
import type { StoredTapBatch } from './stored-batches.ts';
import { RECENT_MS, RedeliveryClaims } from './redelivery.ts';

const redelivered = (...hashes: number[]) => hashes.map((hash, index) => ({ index, hash }));
const batch = (id: number, hashes: number[], at = 1_000_000, runLast = at, run = 1): StoredTapBatch => ({
  run,
  batch: id,
  hashes,
  at,
  runLast,
});

describe('RedeliveryClaims', () => {
  it('skips the messages of a stored batch that came back whole, and stores the rest', () => {
    expect(new RedeliveryClaims().match(redelivered(1, 2, 3, 4), [batch(10, [1, 2])])).toEqual(new Set([0, 1]));
  });

  it('recognises a stored batch that comes back split across several of ours', () => {
    const claims = new RedeliveryClaims();
    const stored = [batch(10, [1, 2, 3])];
    expect(claims.match(redelivered(1, 2), stored)).toEqual(new Set([0, 1]));
    expect(claims.match(redelivered(3, 7), stored)).toEqual(new Set([0]));
  });

  it('recognises a batch of which only some acks were lost', () => {
    expect(new RedeliveryClaims().match(redelivered(2, 9), [batch(10, [1, 2, 3])])).toEqual(new Set([0]));
  });

  it('claims each stored copy once, across calls', () => {
    const claims = new RedeliveryClaims();
    const stored = [batch(10, [5, 5])];
    // two identical messages were stored; three identical ones came back: one of them is new
    expect(claims.match(redelivered(5, 5, 5), stored).size).toBe(2);
    expect(claims.match(redelivered(5), stored).size).toBe(0);
  });

  it('does not take a new message for a copy stored long before its run ended', () => {
    // an identical message was stored and acked two minutes before the run's last insert: this one is new
    expect(
      new RedeliveryClaims().match(redelivered(5), [batch(10, [5], 1_000_000, 1_000_000 + RECENT_MS + 60_000)]).size,
    ).toBe(0);
    expect(
      new RedeliveryClaims().match(redelivered(5), [batch(10, [5], 1_000_000, 1_000_000 + RECENT_MS - 1)]).size,
    ).toBe(1);
  });

  it('claims from the most recent batch first, and across runs', () => {
    const claims = new RedeliveryClaims();
    const stored = [batch(10, [1], 1000, 1000, 1), batch(11, [1], 5000, 5000, 2)];
    expect(claims.match(redelivered(1), stored)).toEqual(new Set([0]));
    expect(claims.match(redelivered(1), stored)).toEqual(new Set([0]));
    expect(claims.match(redelivered(1), stored)).toEqual(new Set());
  });

  it('frees the claims of a lost connection: its skipped messages come back and are skipped again', () => {
    const claims = new RedeliveryClaims();
    const stored = [batch(10, [1, 2])];
    const inSession = (session: number, ...hashes: number[]) => hashes.map((hash, index) => ({ index, hash, session }));
    expect(claims.match(inSession(1, 1, 2), stored)).toEqual(new Set([0, 1]));
    // the connection is lost before the acks land: both come back on the next connection
    claims.endSession(1);
    expect(claims.match(inSession(2, 1, 2), stored)).toEqual(new Set([0, 1]));
    // while session 2 lives, its claims hold: a third copy of 1 is a new message
    expect(claims.match(inSession(2, 1), stored)).toEqual(new Set());
  });
});
