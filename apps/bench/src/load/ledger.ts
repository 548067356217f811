// Which sequence numbers each producer had accepted by the broker and which came back, one bit each, so lost
// and duplicated messages are counted exactly against what was sent rather than estimated from totals.
import type { LedgerCounts } from '@rollcall/contract/bench';

class Bits {
  private words = new Uint32Array(1024);

  private ensure(index: number): void {
    const word = index >>> 5;
    if (word < this.words.length) return;
    const grown = new Uint32Array(Math.max(word + 1, this.words.length * 2));
    grown.set(this.words);
    this.words = grown;
  }

  /** Sets the bit; returns whether it was already set. */
  set(index: number): boolean {
    this.ensure(index);
    const word = index >>> 5;
    const mask = 1 << (index & 31);
    const current = this.words[word] ?? 0;
    if (current & mask) return true;
    this.words[word] = current | mask;
    return false;
  }

  has(index: number): boolean {
    return (((this.words[index >>> 5] ?? 0) >>> (index & 31)) & 1) === 1;
  }

  /** Bits set here and not in `other`. */
  countMissingFrom(other: Bits): number {
    let n = 0;
    for (let w = 0; w < this.words.length; w++) {
      let x = ((this.words[w] ?? 0) & ~(other.words[w] ?? 0)) >>> 0;
      while (x) {
        x &= x - 1;
        n++;
      }
    }
    return n;
  }
}

export class Ledger {
  private readonly sentBits: Bits[];
  private readonly receivedBits: Bits[];
  private sentCount = 0;
  private failedCount = 0;
  private receivedCount = 0;
  private duplicateCount = 0;
  private strayCount = 0;

  constructor(private readonly producers: number) {
    this.sentBits = Array.from({ length: producers }, () => new Bits());
    this.receivedBits = Array.from({ length: producers }, () => new Bits());
  }

  get sent(): number {
    return this.sentCount;
  }

  get received(): number {
    return this.receivedCount;
  }

  accepted(producer: number, firstSeq: number, count: number): void {
    const bits = this.sentBits[producer];
    if (!bits) throw new RangeError(`no producer ${producer}`);
    for (let s = firstSeq; s < firstSeq + count; s++) if (!bits.set(s)) this.sentCount++;
  }

  failed(count: number): void {
    this.failedCount += count;
  }

  /** Returns false for a duplicate or a stray, true for the first receipt of a message. */
  receive(producer: number, seq: number): boolean {
    const bits = this.receivedBits[producer];
    if (!bits || seq < 0 || !Number.isInteger(seq)) {
      this.strayCount++;
      return false;
    }
    if (bits.set(seq)) {
      this.duplicateCount++;
      return false;
    }
    this.receivedCount++;
    return true;
  }

  stray(): void {
    this.strayCount++;
  }

  counts(): LedgerCounts {
    let lost = 0;
    let unconfirmed = 0;
    for (let p = 0; p < this.producers; p++) {
      const sent = this.sentBits[p];
      const received = this.receivedBits[p];
      if (!sent || !received) continue;
      lost += sent.countMissingFrom(received);
      unconfirmed += received.countMissingFrom(sent);
    }
    return {
      sent: this.sentCount,
      failed: this.failedCount,
      received: this.receivedCount,
      duplicates: this.duplicateCount,
      lost,
      unconfirmed,
      strays: this.strayCount,
    };
  }
}
