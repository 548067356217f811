// One pilot's traffic switchboard: every publish and every consume of its services goes through here, so the
// fault switches (faults.ts) apply the same way on Kafka and RabbitMQ, and the counters say what happened.
import type { Logger } from '@rollcall/core/log';
import type { CloudEvent } from './cloudevents.ts';
import { consumerDelay, faultFor, planPublish, type Fault, type FaultTable } from './faults.ts';

export interface Counters {
  /** Messages that reached the broker, second copies included. */
  published: number;
  consumed: number;
  /** Messages a fault kept from being published (dropped, stopped, or still held back at shutdown). */
  dropped: number;
  /** Second copies published. */
  duplicated: number;
}

export interface Traffic {
  readonly eventTypes: readonly string[];
  faults(): FaultTable;
  /** Replaces the whole table. */
  setFaults(table: FaultTable): void;
  /** Sets (or, with undefined, clears) one event type's fault and leaves the others. */
  setFault(eventType: string, fault: Fault | undefined): void;
  counters(): Record<string, Counters>;
  /**
   * Publishes `event` through its faults with `send`. Resolves once sent — or at once when a delay holds it
   * back, so a delay keeps the rate and only makes each message late.
   */
  publish(event: CloudEvent, send: (event: CloudEvent) => Promise<void>): Promise<void>;
  /** A service took `event`: stalls for a consumer slowdown, then counts it. */
  consume(event: CloudEvent): Promise<void>;
  /**
   * Resolves once nothing has been published or consumed for `quietMs` (or after `maxMs`): at shutdown, after
   * the producers stop, chains already started get to finish instead of looking like missing steps.
   */
  settled(quietMs?: number, maxMs?: number): Promise<void>;
  /** Cancels sends still held back by a delay (counted as dropped). */
  close(): void;
}

export interface TrafficDeps {
  eventTypes: readonly string[];
  log: Logger;
  random?: () => number;
}

const zero = (): Counters => ({ published: 0, consumed: 0, dropped: 0, duplicated: 0 });

export function createTraffic({ eventTypes, log, random = Math.random }: TrafficDeps): Traffic {
  let table: FaultTable = {};
  const counts = new Map<string, Counters>(eventTypes.map((t) => [t, zero()]));
  const held = new Map<NodeJS.Timeout, string>();
  const count = (type: string): Counters => {
    let c = counts.get(type);
    if (!c) counts.set(type, (c = zero()));
    return c;
  };

  const sendCopies = async (event: CloudEvent, copies: number, send: (event: CloudEvent) => Promise<void>) => {
    const c = count(event.type);
    for (let i = 0; i < copies; i++) {
      await send(event);
      c.published++;
      if (i > 0) c.duplicated++;
    }
  };

  return {
    eventTypes,
    faults: () => structuredClone(table),
    setFaults(next) {
      table = structuredClone(next);
    },
    setFault(eventType, fault) {
      const next = { ...table };
      if (fault) next[eventType] = structuredClone(fault);
      else delete next[eventType];
      table = next;
    },
    counters: () => Object.fromEntries([...counts].map(([type, c]) => [type, { ...c }])),
    async publish(event, send) {
      const plan = planPublish(faultFor(table, event.type), event.data, random);
      if (plan.copies === 0) {
        count(event.type).dropped++;
        return;
      }
      const changed = plan.data === event.data ? event : { ...event, data: plan.data };
      if (plan.delayMs === 0) return sendCopies(changed, plan.copies, send);
      const timer = setTimeout(() => {
        held.delete(timer);
        sendCopies(changed, plan.copies, send).catch((err: unknown) =>
          log.warn('delayed publish failed', { type: event.type, err }),
        );
      }, plan.delayMs);
      held.set(timer, event.type);
    },
    async consume(event) {
      const stall = consumerDelay(faultFor(table, event.type), event.data);
      if (stall > 0) await new Promise((r) => setTimeout(r, stall));
      count(event.type).consumed++;
    },
    async settled(quietMs = 300, maxMs = 3000) {
      const activity = () => [...counts.values()].reduce((sum, c) => sum + c.published + c.consumed, 0);
      const deadline = Date.now() + maxMs;
      let last = activity();
      let quietSince = Date.now();
      while (Date.now() < deadline && Date.now() - quietSince < quietMs) {
        await new Promise((r) => setTimeout(r, 50));
        const now = activity();
        if (now !== last) [last, quietSince] = [now, Date.now()];
      }
    },
    close() {
      for (const [timer, type] of held) {
        clearTimeout(timer);
        count(type).dropped++;
      }
      held.clear();
    },
  };
}
