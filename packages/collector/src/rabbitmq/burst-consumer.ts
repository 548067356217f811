// Consumes one queue on a channel of its own and hands its messages on in bursts (what arrived in one turn of the
// event loop), each acked with a single basic.ack (multiple) once the burst is handled. rabbitmq-client's Consumer
// runs a handler and writes an ack frame per message: in the tap that was a fifth of its thread (basicAck's socket
// writes alone 12 %, profiled draining a full tap queue) and one ack per message for the broker to process.
// Setup and recovery follow that Consumer: declare, bind, qos and consume, and again after a backoff whenever the
// channel closes (the connection was lost, setup failed) or the broker cancels the consumer (the queue was deleted).
import { Connection, type AsyncMessage, type Channel, type ConsumerProps } from 'rabbitmq-client';

export interface BurstConsumerOptions {
  queue: Pick<ConsumerProps, 'queueOptions' | 'exchanges' | 'queueBindings'> & { queue: string };
  prefetch: number;
  /** Handles one burst, in delivery order; once it resolves the burst is acked. A rejection requeues the burst. */
  handle: (messages: AsyncMessage[]) => Promise<void>;
  /** A setup that failed (retried), a burst that could not be handled (requeued), an ack that could not be sent. */
  onError: (err: unknown) => void;
}

export interface BurstConsumer {
  /** Resolves once the first setup consumes (the queue declared and bound); rejects if it fails. */
  ready: Promise<void>;
  /** Stops consuming, waits for the bursts being handled and their acks, and closes the channel. */
  close(): Promise<void>;
}

// As the tap's connection retries (queue-reader.ts): back within 10 s of the broker after a long outage.
const RETRY_LOW_MS = 1_000;
const RETRY_HIGH_MS = 10_000;

export function createBurstConsumer(conn: Connection, o: BurstConsumerOptions): BurstConsumer {
  let channel: Channel | undefined;
  let consumerTag = '';
  let closing = false;
  let retries = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let settingUp: Promise<void> | undefined;
  let burst: AsyncMessage[] = [];
  let flushing: NodeJS.Immediate | undefined;
  // The last burst's ack on each channel: a burst is acked only after every burst before it, because an ack with
  // `multiple` covers every earlier delivery tag of its channel.
  const lastAck = new WeakMap<Channel, Promise<void>>();
  const handling = new Set<Promise<void>>();

  const settle = (ch: Channel, messages: AsyncMessage[]) => {
    const last = messages[messages.length - 1];
    if (!last) return;
    const handled = o.handle(messages).then(
      () => true,
      (err: unknown) => {
        o.onError(err);
        return false;
      },
    );
    const acked = Promise.all([handled, lastAck.get(ch)]).then(([ok]) => {
      // A channel that closed meanwhile took its unacked messages back to the queue: they come again, redelivered.
      if (!ch.active) return;
      try {
        if (ok) ch.basicAck({ deliveryTag: last.deliveryTag, multiple: true });
        else ch.basicNack({ deliveryTag: last.deliveryTag, multiple: true, requeue: true });
      } catch (err) {
        o.onError(err);
      }
    });
    lastAck.set(ch, acked);
    handling.add(acked);
    void acked.finally(() => handling.delete(acked));
  };

  const flush = () => {
    flushing = undefined;
    const ch = channel;
    const messages = burst;
    burst = [];
    if (ch && messages.length) settle(ch, messages);
  };

  const onMessage = (ch: Channel) => (msg: AsyncMessage) => {
    // a message of a channel since replaced cannot be acked on the new one: it comes again, redelivered
    if (ch !== channel) return;
    burst.push(msg);
    flushing ??= setImmediate(flush);
  };

  const setup = async () => {
    const ch = await conn.acquire({ emitErrorsFromChannel: true });
    channel = ch;
    ch.on('error', o.onError);
    ch.on('close', () => {
      // what it delivered and was not handed on yet comes again, redelivered, like its unacked messages
      if (channel === ch) burst = [];
      reconnect();
    });
    // The broker cancels a consumer whose queue went away (deleted, or its node lost). The channel still acks: the
    // bursts already handed on are acked on it first, then it is closed and set up again (declaring the queue).
    ch.on('basic.cancel', () => {
      o.onError(new Error(`the broker cancelled the consumer of queue ${o.queue.queue}; consuming again`));
      if (flushing && channel === ch) {
        clearImmediate(flushing);
        flush();
      }
      void (lastAck.get(ch) ?? Promise.resolve()).then(() => ch.close()).catch(() => {});
    });
    const { queue } = await ch.queueDeclare({ ...o.queue.queueOptions, queue: o.queue.queue });
    for (const params of o.queue.exchanges ?? []) await ch.exchangeDeclare(params);
    for (const params of o.queue.queueBindings ?? []) await ch.queueBind(params);
    await ch.basicQos({ prefetchCount: o.prefetch });
    ({ consumerTag } = await ch.basicConsume({ queue }, onMessage(ch)));
    retries = 0;
  };

  const connect = (): Promise<void> => {
    retryTimer = undefined;
    const attempt = setup().finally(() => {
      settingUp = undefined;
    });
    settingUp = attempt.catch(() => {});
    return attempt.catch((err: unknown) => {
      if (!closing) {
        o.onError(err);
        void channel?.close().catch(() => {});
        reconnect();
      }
      throw err;
    });
  };

  function reconnect() {
    consumerTag = '';
    if (closing || retryTimer || settingUp) return;
    const delay = Math.min(RETRY_HIGH_MS, RETRY_LOW_MS * 2 ** retries++);
    retryTimer = setTimeout(() => void connect().catch(() => {}), delay);
  }

  const ready = connect();
  ready.catch(() => {}); // retried; a caller that waits for the first setup sees its failure
  return {
    ready,
    async close() {
      closing = true;
      if (retryTimer) clearTimeout(retryTimer);
      await settingUp;
      const ch = channel;
      // Messages can arrive until the cancel is confirmed: they are handled and acked with the rest.
      if (ch?.active && consumerTag) await ch.basicCancel(consumerTag).catch(() => {});
      if (flushing) clearImmediate(flushing);
      flush();
      while (handling.size) await Promise.allSettled([...handling]);
      if (ch?.active) await ch.close().catch(() => {});
    },
  };
}
