// The rows one sampling round leaves in ClickHouse: lag_samples (per Kafka partition or queue) and lag_status
// (per group or queue). Both tables come from migration 4.
import type { Broker } from '@rollcall/core/event';
import { chTime, type Store } from '@rollcall/core/store';
import type { GroupLag } from './status.ts';

export interface SampleRow {
  at: number;
  broker: Broker;
  cluster: string;
  group_name: string;
  /** topic, or the queue's own name */
  stream: string;
  /** -1 for a queue */
  partition: number;
  /** -1 for a queue, as are log_start and log_end */
  committed: number;
  log_start: number;
  log_end: number;
  lag: number;
  lag_seconds: number | null;
  owner: string;
  unacked: number;
  consumers: number;
  publish_rate: number;
  deliver_rate: number;
  ack_rate: number;
}

/** A group's lag as stored each round: what GET /api/v1/lag reports, when, and the Kafka group's state. */
export interface StatusRow extends Omit<GroupLag, 'group'> {
  at: number;
  group_name: string;
  /** the Kafka group's state (Stable, Empty, …); '' for a queue */
  state: string;
}

export async function insertLagRound(store: Store, samples: SampleRow[], statuses: StatusRow[]): Promise<void> {
  if (samples.length) {
    await store.client.insert({
      table: `${store.db}.lag_samples`,
      values: samples.map((r) => ({ ...r, at: chTime(r.at) })),
      format: 'JSONEachRow',
    });
  }
  if (statuses.length) {
    await store.client.insert({
      table: `${store.db}.lag_status`,
      values: statuses.map((r) => ({ ...r, at: chTime(r.at) })),
      format: 'JSONEachRow',
    });
  }
}
