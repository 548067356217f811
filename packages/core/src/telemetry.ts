// What the collectors report about their own work. The API implements it with Prometheus metrics; the taps
// only know this interface, so they need no metrics library and tests can pass a recorder.
import type { EventRow } from './event.ts';
import type { CountRow } from './store/row-formats.ts';

export type TapName = 'kafka' | 'rabbitmq';

export interface TapTelemetry {
  /** A batch is stored: its rows and the counts of messages stored as counts only (for per-stream counters), and
   * how long the insert took. */
  stored(tap: TapName, rows: readonly EventRow[], ms: number, counted?: readonly CountRow[]): void;
  /** An insert attempt failed and will be retried. */
  insertFailed(tap: TapName): void;
  /** A RabbitMQ trace message overflowed the tap queue (it is still stored, late). */
  overflowed(tap: TapName): void;
}
