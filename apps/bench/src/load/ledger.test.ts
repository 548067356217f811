import { describe, expect, it } from 'vitest';
import { Ledger } from './ledger.ts';

describe('Ledger', () => {
  it('counts lost, duplicated and unconfirmed messages against what each producer had accepted', () => {
    const ledger = new Ledger(2);
    ledger.accepted(0, 0, 100);
    ledger.accepted(1, 0, 50);
    ledger.failed(10); // producer 1, seqs 50..59: the send failed
    for (let s = 0; s < 100; s++) if (s !== 17 && s !== 99) ledger.receive(0, s);
    for (let s = 0; s < 50; s++) ledger.receive(1, s);
    expect(ledger.receive(1, 3)).toBe(false); // a redelivery
    expect(ledger.receive(1, 55)).toBe(true); // a failed send that landed after all
    ledger.receive(7, 1); // no such producer
    ledger.stray();
    expect(ledger.counts()).toEqual({
      sent: 150,
      failed: 10,
      received: 149,
      duplicates: 1,
      lost: 2,
      unconfirmed: 1,
      strays: 2,
    });
  });

  it('grows past its initial capacity and counts an acceptance once', () => {
    const ledger = new Ledger(1);
    ledger.accepted(0, 0, 100_000);
    ledger.accepted(0, 99_990, 20); // overlaps the last 10
    for (let s = 0; s < 100_010; s += 2) ledger.receive(0, s);
    expect(ledger.counts()).toMatchObject({ sent: 100_010, received: 50_005, lost: 50_005, duplicates: 0 });
  });
});
