// A log-linear latency histogram in the manner of HdrHistogram: exact below 256 µs, then 128 buckets per power
// of two, so any percentile it reports is at most 1/128 (0.8 %) above the exact value and never below it.
import type { LatencySummary } from '@rollcall/contract/bench';

const SUB_BITS = 7;
const SUB = 2 ** SUB_BITS;
/** About 12 days in µs: anything slower is a hang, and is recorded as this. */
const MAX_VALUE = 2 ** 40;

const PERCENTILES = [
  ['p50', 0.5],
  ['p75', 0.75],
  ['p90', 0.9],
  ['p95', 0.95],
  ['p99', 0.99],
  ['p999', 0.999],
] as const;

export function bucketOf(micros: number): number {
  const v = Math.min(MAX_VALUE, Math.max(0, Math.floor(micros)));
  if (v < 2 * SUB) return v;
  const shift = Math.floor(Math.log2(v)) - SUB_BITS;
  // log2 of a large integer can round up across a power of two; the sub-bucket must stay in [SUB, 2*SUB).
  const scale = 2 ** shift;
  let sub = Math.floor(v / scale);
  let k = shift;
  if (sub >= 2 * SUB) {
    k += 1;
    sub = Math.floor(v / 2 ** k);
  } else if (sub < SUB) {
    k -= 1;
    sub = Math.floor(v / 2 ** k);
  }
  return k * SUB + sub;
}

/** The highest value that lands in a bucket. */
export function bucketTop(index: number): number {
  if (index < 2 * SUB) return index;
  const k = Math.floor(index / SUB) - 1;
  const sub = index - k * SUB;
  return (sub + 1) * 2 ** k - 1;
}

export class Histogram {
  private counts = new Float64Array(2 * SUB);
  private total = 0;
  private sum = 0;
  private lowest = Number.POSITIVE_INFINITY;
  private highest = 0;

  get count(): number {
    return this.total;
  }

  /** Records one value in microseconds. Negative values (clock skew across hosts) count as 0. */
  record(micros: number): void {
    const v = Math.min(MAX_VALUE, Math.max(0, micros));
    const i = bucketOf(v);
    if (i >= this.counts.length) {
      const grown = new Float64Array(Math.max(i + 1, this.counts.length * 2));
      grown.set(this.counts);
      this.counts = grown;
    }
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.total++;
    this.sum += v;
    if (v < this.lowest) this.lowest = v;
    if (v > this.highest) this.highest = v;
  }

  /** Nearest-rank percentile in µs: the smallest recorded value with at least q of all values at or below it,
   * rounded up to its bucket's top and capped by the exact maximum. 0 when empty. */
  percentile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return Math.max(this.lowest, Math.min(this.highest, bucketTop(i)));
    }
    return this.highest;
  }

  summary(): LatencySummary {
    const ms = (micros: number) => micros / 1000;
    const empty = this.total === 0;
    const out: LatencySummary = {
      count: this.total,
      min: empty ? 0 : ms(this.lowest),
      mean: empty ? 0 : ms(this.sum / this.total),
      p50: 0,
      p75: 0,
      p90: 0,
      p95: 0,
      p99: 0,
      p999: 0,
      max: ms(this.highest),
    };
    for (const [name, q] of PERCENTILES) out[name] = ms(this.percentile(q));
    return out;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.sum = 0;
    this.lowest = Number.POSITIVE_INFINITY;
    this.highest = 0;
  }
}
