// What the load loop needs from a broker: somewhere to send, consumers that hand back what arrives, and the
// broker's own figures. One implementation per broker (kafka.ts, rabbitmq.ts); the loop itself is in run.ts.
export interface LoadProducer {
  /** Sends bodies carrying sequence numbers firstSeq.. in order; resolves once the broker accepted all of them
   * (acks or confirms as configured, or written to the socket when neither is asked for). */
  send(firstSeq: number, bodies: Buffer[]): Promise<void>;
}

/** Called for every message received; `receivedAt` is the run clock (ms since the epoch, µs resolution). */
export type OnMessage = (body: Buffer, receivedAt: number) => void;

export interface BrokerInfo {
  version: string;
  nodes: number;
  detail: Record<string, string>;
}

export interface LoadTarget {
  /** Creates this run's topic or queues and starts the consumers; resolves once they receive. */
  prepare(onMessage: OnMessage): Promise<void>;
  producer(index: number): Promise<LoadProducer>;
  info(): Promise<BrokerInfo>;
  /** Stops the consumers: nothing is received after this resolves. */
  stopConsumers(): Promise<void>;
  /** What the broker reports about the run; a figure it cannot give is left out. */
  brokerFigures(): Promise<Record<string, number | string>>;
  /** Deletes what prepare created and closes every connection; safe after a failed or partial prepare. */
  teardown(): Promise<void>;
}

export const runClock = (): number => performance.timeOrigin + performance.now();

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
