// Per-second figures of a run: messages accepted by the broker, messages received, and the latency of what was
// received in that second. Receipts arrive in time order, so a second's latency histogram is summarised and
// reused as soon as a later second begins: memory stays constant however long the run.
import type { TimelinePoint } from '@rollcall/contract/bench';
import { Histogram } from './histogram.ts';

export class Timeline {
  private readonly produced: number[] = [];
  private readonly consumed: number[] = [];
  private readonly latency: { p50: number; p99: number; max: number }[] = [];
  private readonly current = new Histogram();
  private currentSecond = -1;

  constructor(private readonly startedAt: number) {}

  private secondOf(at: number): number {
    return Math.max(0, Math.floor((at - this.startedAt) / 1000));
  }

  accepted(at: number, count: number): void {
    const s = this.secondOf(at);
    this.produced[s] = (this.produced[s] ?? 0) + count;
  }

  received(at: number, latencyMicros: number): void {
    const s = this.secondOf(at);
    if (s > this.currentSecond) this.close(s);
    this.consumed[s] = (this.consumed[s] ?? 0) + 1;
    this.current.record(latencyMicros);
  }

  private close(next: number): void {
    if (this.currentSecond >= 0 && this.current.count > 0) {
      this.latency[this.currentSecond] = {
        p50: this.current.percentile(0.5) / 1000,
        p99: this.current.percentile(0.99) / 1000,
        max: this.current.percentile(1) / 1000,
      };
    }
    this.current.reset();
    this.currentSecond = next;
  }

  /** Every second from the first send to the last event, gaps included as zeros. */
  points(): TimelinePoint[] {
    this.close(this.currentSecond);
    const seconds = Math.max(this.produced.length, this.consumed.length);
    return Array.from({ length: seconds }, (_, second) => ({
      second,
      produced: this.produced[second] ?? 0,
      consumed: this.consumed[second] ?? 0,
      p50: this.latency[second]?.p50 ?? 0,
      p99: this.latency[second]?.p99 ?? 0,
      max: this.latency[second]?.max ?? 0,
    }));
  }

  /** What the second before `at` looked like, for progress lines while the run goes on. */
  last(at: number): { produced: number; consumed: number } {
    const s = this.secondOf(at) - 1;
    return { produced: this.produced[s] ?? 0, consumed: this.consumed[s] ?? 0 };
  }
}
