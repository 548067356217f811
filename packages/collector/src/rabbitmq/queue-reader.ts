// Reads one tap queue over AMQP and gets past trace messages that AMQP cannot carry to the tap. Two kinds kill
// the connection each time they are delivered, so without this the tap reconnects for ever behind them: a name
// that makes the routing key `publish.<exchange>` or `deliver.<queue>` longer than AMQP's 255-byte short string
// (the broker closes the connection with INTERNAL_ERROR), and headers the client library cannot decode (a table
// nested thousands deep overflows rabbitmq-client's recursive decoder). When a connection dies that way the
// reader reads one message at a time (prefetch 1): the next death then names the queue's head as the culprit,
// because everything before it was acked. That head is read through the management API's /get, which has
// neither limit, stored, and only then removed from the queue; AMQP reading resumes at the full prefetch.
import { AMQPError, Connection, type AsyncMessage } from 'rabbitmq-client';
import type { Logger } from '@rollcall/core/log';
import { deliveryHash, type TraceMessage } from '../metadata/amqp.ts';
import { createBurstConsumer, type BurstConsumer, type BurstConsumerOptions } from './burst-consumer.ts';

export interface TraceDelivery {
  message: TraceMessage;
  redelivered: boolean;
  /** The AMQP connection session it came on; none for a message read through the management API. */
  session?: number;
  /** Why the message could not be read over AMQP, when that is worth a parse_error. */
  note?: string;
}

/** Queue, its declaration and bindings (see burst-consumer.ts). */
export type QueueReaderQueue = BurstConsumerOptions['queue'];

export interface QueueReaderOptions {
  /** AMQP URL with the vhost in its path. */
  url: string;
  vhost: string;
  managementUrl: string;
  connectionName: string;
  prefetch: number;
  queue: QueueReaderQueue;
  log: Logger;
  /** Handles what arrived together, in delivery order; it is acked once this resolves. */
  handle: (deliveries: TraceDelivery[]) => Promise<void>;
  /** The connection of a session is gone: of its last acks, `uncertain` may not have reached the broker. */
  onSessionEnd: (session: number, uncertain: number) => void;
  /** The reader went to one message at a time (true) or back to its prefetch (false). */
  onCareful?: (careful: boolean) => void;
  fetchImpl?: typeof fetch;
}

export interface QueueReader {
  /** Resolves once the queue is declared and bound (from then on no trace message is missed). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Byte length past which AMQP cannot carry a routing key (a short string). */
export const SHORTSTR_MAX = 255;
const SALVAGE_RETRY_MS = 5_000;
let sessions = 0;

/** A connection death that the message being delivered can cause (as opposed to the network or a restart). */
export function deathByMessage(err: unknown): boolean {
  if (err instanceof AMQPError) return err.code === 'INTERNAL_ERROR';
  // The decoder's own exceptions (RangeError, "unknown AMQP 0.9.1 type code") carry no code; socket errors do.
  return err instanceof Error && typeof (err as { code?: unknown }).code !== 'string';
}

export function createQueueReader(o: QueueReaderOptions): QueueReader {
  const log = o.log.child({ vhost: o.vhost, queue: o.queue.queue });
  let connection: Connection | undefined;
  let consumer: BurstConsumer | undefined;
  let careful = false;
  let stopped = false;
  let endCleanly: (() => void) | undefined;
  let switching: Promise<void> = Promise.resolve();

  const open = (prefetch: number) => {
    let session = 0;
    const conn = new Connection({ url: o.url, connectionName: o.connectionName, retryHigh: 10_000 });
    // The broker holds at most `prefetch` messages unacked, so only that many acks can be lost with a connection.
    // One that a message killed was sending that message, so it had room: all but prefetch - 1 acks had landed
    // (reading one at a time, all of them; the careful session's skipped copies cannot come back).
    conn.on('connection', () => {
      if (session) o.onSessionEnd(session, prefetch);
      session = ++sessions;
    });
    conn.on('error', (err) => {
      if (session) o.onSessionEnd(session, deathByMessage(err) ? prefetch - 1 : prefetch);
      session = 0; // reported once: the reconnect must not report it again as a plain loss
      log.warn('rabbitmq connection error', { err });
      if (conn === connection && !stopped && deathByMessage(err)) switchMode(err);
    });
    // Not async, as the tap's handle: an async function would hold the messages (bodies, header tables) until their
    // rows are stored. What throws still becomes a rejection, as from an async function.
    const handle = (messages: AsyncMessage[]): Promise<void> => {
      const at = session;
      const fresh = messages.some((msg) => !msg.redelivered);
      let stored: Promise<void>;
      try {
        stored = o.handle(
          messages.map((msg) => ({ message: traceOf(msg), redelivered: msg.redelivered, session: at })),
        );
      } catch (err) {
        stored = Promise.reject(err as Error);
      }
      return stored.then(() => {
        // Reading one at a time ends at the first message never delivered before: the culprit is behind us.
        if (careful && conn === connection && fresh) switchTo(false);
      });
    };
    const c = createBurstConsumer(conn, {
      queue: o.queue,
      prefetch,
      handle,
      onError: (err) => log.error('rabbitmq tap consumer error', { err }),
    });
    connection = conn;
    consumer = c;
    endCleanly = () => session && o.onSessionEnd(session, 0);
    return c;
  };

  const retire = async () => {
    const [c, conn, end] = [consumer, connection, endCleanly];
    consumer = connection = endCleanly = undefined;
    // Closing the consumer waits for the bursts in flight, which wait for their rows to be stored; their acks
    // precede the channel's close (a death meanwhile has already reported its session).
    await Promise.allSettled([c?.close(), conn?.close()]);
    end?.();
  };

  const setCareful = (on: boolean) => {
    if (careful !== on) o.onCareful?.(on);
    careful = on;
    open(on ? 1 : o.prefetch);
  };

  const switchTo = (on: boolean) => {
    switching = switching.then(async () => {
      if (stopped || careful === !on) return;
      await retire();
      if (!stopped) setCareful(on);
    });
  };

  const switchMode = (err: Error) => {
    switching = switching.then(async () => {
      if (stopped) return;
      await retire();
      if (!careful) {
        log.warn(
          'the tap connection was closed while a message was delivered; reading one message at a time to find it',
          { err: err.message },
        );
        return setCareful(true);
      }
      const salvaged = await salvageHead(err).catch((e: unknown) => {
        log.error('could not read the message that stops the tap through the management API; retrying', {
          err: (e as Error).message,
        });
        return false;
      });
      if (!salvaged) await new Promise((r) => setTimeout(r, SALVAGE_RETRY_MS));
      if (!stopped) setCareful(!salvaged);
    });
  };

  const get = (ackmode: 'ack_requeue_true' | 'ack_requeue_false') => getHead(o, ackmode);

  // Store the head first and remove it after: a crash in between brings it back, and the redelivery check
  // finds its stored copy (its hash comes from the same management API representation).
  const salvageHead = async (err: Error): Promise<boolean> => {
    const head = await get('ack_requeue_true');
    if (!head) return true;
    await o.handle([{ ...head, note: noteFor(head.message, err) }]);
    const taken = await get('ack_requeue_false');
    log.warn('stored a trace message that AMQP could not deliver, read through the management API', {
      routing_key_bytes: Buffer.byteLength(head.message.routingKey),
      err: err.message,
    });
    // Another collector reading the same queue may have taken the head meanwhile; what we took is stored too.
    if (taken && deliveryHash(taken.message) !== deliveryHash(head.message))
      await o.handle([{ ...taken, note: noteFor(taken.message, err) }]);
    return true;
  };

  return {
    async start() {
      await open(o.prefetch).ready;
    },
    async stop() {
      stopped = true;
      await switching;
      await retire();
      if (careful) o.onCareful?.(false);
    },
  };
}

function traceOf(msg: AsyncMessage): TraceMessage {
  const body = Buffer.isBuffer(msg.body)
    ? msg.body
    : Buffer.from(typeof msg.body === 'string' ? msg.body : JSON.stringify(msg.body ?? ''));
  return { routingKey: msg.routingKey, headers: msg.headers, body };
}

/** A long name is legitimate and fully read; anything else that AMQP could not deliver is worth a parse_error. */
function noteFor(message: TraceMessage, err: Error): string | undefined {
  if (Buffer.byteLength(message.routingKey) > SHORTSTR_MAX) return undefined;
  return `not readable over AMQP (${err.name}: ${err.message}); read through the management API`;
}

interface ManagementMessage {
  routing_key: string;
  redelivered: boolean;
  payload: string;
  payload_encoding: string;
  properties?: { headers?: Record<string, unknown> };
}

/** The queue's head through the management API (credentials from the AMQP URL), or undefined when it is empty. */
async function getHead(
  o: QueueReaderOptions,
  ackmode: 'ack_requeue_true' | 'ack_requeue_false',
): Promise<{ message: TraceMessage; redelivered: boolean } | undefined> {
  const amqp = new URL(o.url);
  const auth =
    'Basic ' +
    Buffer.from(
      `${decodeURIComponent(amqp.username || 'guest')}:${decodeURIComponent(amqp.password || 'guest')}`,
    ).toString('base64');
  const url = new URL(
    `/api/queues/${encodeURIComponent(o.vhost)}/${encodeURIComponent(o.queue.queue)}/get`,
    o.managementUrl,
  );
  const res = await (o.fetchImpl ?? fetch)(url, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify({ count: 1, ackmode, encoding: 'base64' }),
    signal: AbortSignal.timeout(30_000),
  });
  if (!res.ok) throw new Error(`management API ${url.pathname} answered ${res.status}`);
  const [m] = (await res.json()) as ManagementMessage[];
  if (!m) return undefined;
  const body = Buffer.from(m.payload, m.payload_encoding === 'base64' ? 'base64' : 'utf8');
  return {
    message: { routingKey: m.routing_key, headers: m.properties?.headers ?? {}, body },
    redelivered: m.redelivered,
  };
}
