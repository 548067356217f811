import { parseConfig } from '@rollcall/core/config';
import { describe, expect, it } from 'vitest';
import {
  deliveryHash,
  headersText,
  NotATraceMessage,
  traceMessageToEvent,
  type AmqpContext,
  type TraceMessage,
  isTapPlumbing,
} from './amqp.ts';

const extract = parseConfig('', 'test', {}).extract;
const ctx: AmqpContext = { cluster: 'rmq-eu', observedAt: 1_795_425_702_250, extract };
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

const properties = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  app_id: 'card',
  type: 'CardAuthorized',
  timestamp: 1795425702,
  message_id: 'm1',
  correlation_id: 'c1',
  delivery_mode: 1,
  headers: { traceparent: `00-${TRACE_ID}-b7ad6b7169203331-01`, n: 5, bin: new Uint8Array([255, 254]) },
  content_type: 'application/json',
  ...over,
});

const common = (props: Record<string, unknown> = properties()): Record<string, unknown> => ({
  exchange_name: 'exp.x',
  routing_keys: ['a.b'],
  properties: props,
  node: 'rabbit@localhost',
  vhost: '/',
  connection: '127.0.0.1:44882 -> 127.0.0.1:5672',
  channel: 1,
  user: 'guest',
});

const body = (value: unknown = { card: { last4: '4242' }, amount: 12.5 }): Uint8Array =>
  new TextEncoder().encode(JSON.stringify(value));

/** A firehose trace as RabbitMQ publishes it on amq.rabbitmq.trace for a publish to exchange exp.x. */
const publish = (props?: Record<string, unknown>, payload: Uint8Array = body()): TraceMessage => ({
  routingKey: 'publish.exp.x',
  headers: { ...common(props), routed_queues: ['exp.q'] },
  body: payload,
});

/** The trace for the same message being delivered from queue exp.q. */
const deliver = (props?: Record<string, unknown>, payload: Uint8Array = body()): TraceMessage => ({
  routingKey: 'deliver.exp.q',
  headers: { ...common(props), redelivered: 0 },
  body: payload,
});

describe('traceMessageToEvent: publish trace', () => {
  const { row, paths } = traceMessageToEvent(publish(), ctx);

  it('is a publish on the exchange with its routing key and routed queues', () => {
    expect(row).toMatchObject({
      broker: 'rabbitmq',
      cluster: 'rmq-eu',
      kind: 'publish',
      stream: 'exp.x',
      routing_key: 'a.b',
      queue: '',
      routed_queues: ['exp.q'],
      partition: -1,
      offset: -1,
      key_hash: 0,
      observed_at: 1_795_425_702_250,
    });
  });

  it('takes event type, source, message and correlation ids from the AMQP properties', () => {
    expect(row.event_type).toBe('CardAuthorized');
    expect(row.source).toBe('card');
    expect(row.message_id).toBe('m1');
    expect(row.correlation_id).toBe('c1');
  });

  it('converts the AMQP timestamp (seconds) to milliseconds', () => {
    expect(row.broker_ts).toBe(1_795_425_702_000);
  });

  it('reads the trace id from the traceparent header', () => {
    expect(row.trace_id).toBe(TRACE_ID);
  });

  it('records connection and user from the trace', () => {
    expect(row.connection).toBe('127.0.0.1:44882 -> 127.0.0.1:5672');
    expect(row.user).toBe('guest');
  });

  it('counts the message headers and names the one that is not UTF-8', () => {
    expect(row.header_count).toBe(3);
    expect(row.parse_error).toBe('header bin is not valid UTF-8');
  });

  it('fingerprints the JSON body and records its size without its content', () => {
    expect(row.size).toBe(body().length);
    expect(row.schema_fingerprint).not.toBe(0);
    expect(paths).toEqual(['/amount', '/card', '/card/last4']);
    expect(JSON.stringify(row)).not.toContain('4242');
  });

  it('carries the delivery hash of the whole trace message', () => {
    expect(row.delivery_hash).toBe(deliveryHash(publish()));
    expect(row.delivery_hash).toBeGreaterThan(0);
  });
});

describe('traceMessageToEvent: deliver trace', () => {
  it('is a delivery from the queue named in the routing key', () => {
    const { row } = traceMessageToEvent(deliver(), ctx);
    expect(row).toMatchObject({
      kind: 'deliver',
      queue: 'exp.q',
      stream: 'exp.x',
      routing_key: 'a.b',
      routed_queues: [],
    });
    expect(row.event_type).toBe('CardAuthorized');
    expect(row.message_id).toBe('m1');
  });

  it('keeps dots in a queue name', () => {
    const msg: TraceMessage = { ...deliver(), routingKey: 'deliver.orders.v2.retry' };
    expect(traceMessageToEvent(msg, ctx).row.queue).toBe('orders.v2.retry');
  });
});

describe('traceMessageToEvent: exchanges and routing keys', () => {
  it('names the default exchange amq.default', () => {
    const msg: TraceMessage = {
      routingKey: 'publish.',
      headers: { ...common(), exchange_name: '', routing_keys: ['exp.q'], routed_queues: ['exp.q'] },
      body: body(),
    };
    const { row } = traceMessageToEvent(msg, ctx);
    expect(row.stream).toBe('amq.default');
    expect(row.routing_key).toBe('exp.q');
  });

  it('throws NotATraceMessage for a routing key that is not publish.* or deliver.*', () => {
    for (const routingKey of ['orders.created', 'publish', 'deliver', 'publishx.exp', '']) {
      expect(() => traceMessageToEvent({ ...publish(), routingKey }, ctx)).toThrow(NotATraceMessage);
    }
    expect(() => traceMessageToEvent({ ...publish(), routingKey: 'orders.created' }, ctx)).toThrow('"orders.created"');
  });
});

describe('traceMessageToEvent: properties and headers', () => {
  const cloudEventHeaders = {
    'cloudEvents:type': 'com.card.Captured',
    'cloudEvents:source': '/card/capture',
    'cloudEvents:id': 'ce-7',
    'x-correlation-id': 'hdr-corr',
  };

  it('AMQP properties win over CloudEvents headers', () => {
    const { row } = traceMessageToEvent(publish(properties({ headers: cloudEventHeaders })), ctx);
    expect(row.event_type).toBe('CardAuthorized');
    expect(row.source).toBe('card');
    expect(row.message_id).toBe('m1');
    expect(row.correlation_id).toBe('c1');
  });

  it('uses CloudEvents AMQP binding headers when the properties are absent', () => {
    const props = properties({
      headers: cloudEventHeaders,
      type: undefined,
      app_id: undefined,
      message_id: undefined,
      correlation_id: undefined,
    });
    const { row } = traceMessageToEvent(publish(props), ctx);
    expect(row.event_type).toBe('com.card.Captured');
    expect(row.source).toBe('/card/capture');
    expect(row.message_id).toBe('ce-7');
    expect(row.correlation_id).toBe('hdr-corr');
    expect(row.header_count).toBe(4);
    expect(row.parse_error).toBe('');
  });

  it('without a properties table: no timestamp, no headers, fields from a JSON-looking body', () => {
    const msg: TraceMessage = {
      ...publish(),
      headers: { ...common(), properties: undefined, routed_queues: ['exp.q'] },
      body: body({ type: 'FromBody', messageId: 'b-1' }),
    };
    const { row } = traceMessageToEvent(msg, ctx);
    expect(row.broker_ts).toBe(0);
    expect(row.header_count).toBe(0);
    expect(row.trace_id).toBe('');
    expect(row.source).toBe('');
    expect(row.event_type).toBe('FromBody');
    expect(row.message_id).toBe('b-1');
    expect(row.parse_error).toBe('');
    expect(row.stream).toBe('exp.x');
  });

  it('below rows scans no body for its schema, and reads the same ids from it as at rows', () => {
    const msg: TraceMessage = {
      ...publish(),
      headers: { ...common(), properties: undefined, routed_queues: ['exp.q'] },
      body: body({ type: 'FromBody', messageId: 'b-1', nested: { a: [1, 2] } }),
    };
    const levels: string[] = [];
    const keys = traceMessageToEvent(msg, {
      ...ctx,
      levelOf: (exchange) => {
        levels.push(exchange);
        return 'keys';
      },
    });
    const rows = traceMessageToEvent(msg, ctx);
    expect(levels).toEqual(['exp.x']);
    expect(rows.row.schema_fingerprint).not.toBe(0);
    expect(keys.row.schema_fingerprint).toBe(0);
    expect(keys.paths).toEqual([]);
    expect({ ...keys.row, schema_fingerprint: 0 }).toEqual({ ...rows.row, schema_fingerprint: 0 });
  });

  it('without any trace headers at all it still produces a row', () => {
    const { row } = traceMessageToEvent(
      { routingKey: 'deliver.exp.q', headers: undefined, body: new Uint8Array() },
      ctx,
    );
    expect(row).toMatchObject({
      kind: 'deliver',
      queue: 'exp.q',
      stream: 'amq.default',
      routing_key: '',
      event_type: '',
      size: 0,
      parse_error: '',
      header_count: 0,
    });
  });
});

describe('traceMessageToEvent: bodies', () => {
  const noBinHeader = { traceparent: `00-${TRACE_ID}-b7ad6b7169203331-01` };

  it('notes invalid JSON when the content type claims JSON', () => {
    const { row } = traceMessageToEvent(
      publish(properties({ headers: noBinHeader }), new TextEncoder().encode('{"amount": 12,')),
      ctx,
    );
    expect(row.parse_error).toMatch(/^invalid JSON body: /);
    expect(row.schema_fingerprint).toBe(0);
  });

  it('notes a body that is not UTF-8 when the content type claims JSON', () => {
    const payload = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    const { row } = traceMessageToEvent(publish(properties({ headers: noBinHeader }), payload), ctx);
    expect(row.parse_error).toBe('body is not valid UTF-8');
    expect(row.schema_fingerprint).toBe(0);
    expect(row.size).toBe(6);
  });

  it('records the shape of a JSON body labelled text/plain (as rabbitmq-client labels string bodies), headers still win', () => {
    const { row, paths } = traceMessageToEvent(
      publish(properties({ headers: noBinHeader, content_type: 'text/plain' }), body({ type: 'Nope' })),
      ctx,
    );
    expect(row.parse_error).toBe('');
    expect(row.schema_fingerprint).not.toBe(0);
    expect(paths).toContain('/type');
    expect(row.event_type).toBe('CardAuthorized');
  });

  it('leaves text that only starts like JSON alone, without calling it an error', () => {
    const { row } = traceMessageToEvent(
      publish(
        properties({ headers: noBinHeader, content_type: 'text/plain' }),
        Buffer.from('{ not json, just braces }'),
      ),
      ctx,
    );
    expect(row.parse_error).toBe('');
    expect(row.schema_fingerprint).toBe(0);
  });
});

describe('deliveryHash', () => {
  it('is equal for identical messages', () => {
    expect(deliveryHash(publish())).toBe(deliveryHash(publish()));
    expect(deliveryHash(deliver())).toBe(deliveryHash(deliver()));
  });

  it('differs for different bodies', () => {
    expect(deliveryHash(publish(undefined, body({ a: 1 })))).not.toBe(deliveryHash(publish(undefined, body({ a: 2 }))));
  });

  it('differs for different headers', () => {
    expect(deliveryHash(publish(properties({ message_id: 'm1' })))).not.toBe(
      deliveryHash(publish(properties({ message_id: 'm2' }))),
    );
    const redelivered: TraceMessage = { ...deliver(), headers: { ...common(), redelivered: 1 } };
    expect(deliveryHash(redelivered)).not.toBe(deliveryHash(deliver()));
  });

  it('differs for different binary header bytes', () => {
    const a = publish(properties({ headers: { bin: new Uint8Array([1, 2]) } }));
    const b = publish(properties({ headers: { bin: new Uint8Array([1, 3]) } }));
    expect(deliveryHash(a)).not.toBe(deliveryHash(b));
  });

  it('differs for publish and deliver traces of the same message', () => {
    expect(deliveryHash(publish())).not.toBe(deliveryHash({ ...publish(), routingKey: 'deliver.exp.q' }));
  });
});

describe('headers nested deeper than the stack', () => {
  const nested = (depth: number): Record<string, unknown> => {
    let table: Record<string, unknown> = { leaf: 'x' };
    for (let i = 0; i < depth; i++) table = { n: table };
    return table;
  };
  // the text the delivery hash has always been computed from, so rows stored before still match redeliveries
  const stringify = (h: unknown) =>
    JSON.stringify(h, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v));

  it('writes the same text as JSON.stringify did', () => {
    const headers = {
      ...common(),
      routed_queues: ['q'],
      a: [1, 'x', null, undefined, { b: [] }],
      c: Buffer.from('hi'),
      d: undefined,
      e: NaN,
      f: '\u2028"',
      '1': 'key order',
    };
    expect(headersText(headers)).toBe(stringify(headers));
    // Too deep for JSON.stringify: written without recursion, the same text.
    const depth = 100_000;
    const deep = '{"n":'.repeat(depth) + '{"leaf":"x"}' + '}'.repeat(depth);
    expect(headersText({ ...headers, z: nested(depth) })).toBe(`${stringify(headers).slice(0, -1)},"z":${deep}}`);
  });

  it('writes bare Uint8Arrays as base64 wherever they are, and the same text without them', () => {
    const props = properties({
      headers: { list: [1, { deeper: [new Uint8Array([1, 2, 3])] }], buf: Buffer.from('x') },
    });
    const withBytes = { ...common(props), routed_queues: ['q'] };
    expect(headersText(withBytes)).toContain('"deeper":["AQID"]');
    expect(headersText(withBytes)).toBe(stringify(withBytes));
    // what rabbitmq-client decodes: byte arrays as Buffers, no bare Uint8Array anywhere
    const decoded = { ...common(properties({ headers: { n: 5, buf: Buffer.from('x'), at: new Date(0) } })), a: [[]] };
    expect(headersText(decoded)).toBe(stringify(decoded));
    // deeper than the scan for bare bytes looks
    let deep: Record<string, unknown> = { leaf: new Uint8Array([9]) };
    for (let i = 0; i < 40; i++) deep = { n: deep };
    expect(headersText({ deep })).toBe(stringify({ deep }));
    expect(headersText({ deep })).toContain('"n":{"leaf":"CQ=="}');
  });

  it('hashes and reads a trace whose header is nested 100,000 deep', () => {
    const props = properties({ headers: { deep: nested(100_000), traceparent: `00-${TRACE_ID}-b7ad6b7169203331-01` } });
    expect(() => stringify(props)).toThrow(RangeError);
    const { row } = traceMessageToEvent(publish(props), ctx);
    expect(row.delivery_hash).toBe(deliveryHash(publish(props)));
    expect(row.trace_id).toBe(TRACE_ID);
    expect(row.parse_error).toBe('');
  });

  it('turns a trace it cannot read into a row with the reason, never an exception', () => {
    const hostile = {
      ...common(),
      get properties(): never {
        throw new Error('boom');
      },
    };
    const { row } = traceMessageToEvent(
      { routingKey: 'publish.exp.x', headers: hostile, body: body() },
      ctx,
      'read through the management API',
    );
    expect(row).toMatchObject({ kind: 'publish', stream: 'exp.x', size: body().length });
    expect(row.parse_error).toMatch(/^read through the management API; trace message not readable: boom/);
  });
});

describe('isTapPlumbing', () => {
  const deadLettered = (exchange: string) =>
    properties({ headers: { 'x-death': [{ exchange, queue: 'rc.tap', reason: 'maxlen', count: 1 }] } });

  it('is a delivery of a trace message that overflowed a tap queue into its overflow queue', () => {
    expect(
      isTapPlumbing({ ...deliver(deadLettered('amq.rabbitmq.trace')), routingKey: 'deliver.rc.tap.overflow' }),
    ).toBe(true);
  });

  it('is not ordinary traffic: publishes, plain deliveries, or messages dead-lettered from the application exchanges', () => {
    expect(isTapPlumbing(deliver())).toBe(false);
    expect(isTapPlumbing(publish(deadLettered('amq.rabbitmq.trace')))).toBe(false);
    expect(isTapPlumbing(deliver(deadLettered('orders')))).toBe(false);
    expect(
      isTapPlumbing({
        routingKey: 'deliver.q',
        headers: { properties: { headers: { 'x-death': 'not a list' } } },
        body: new Uint8Array(),
      }),
    ).toBe(false);
  });
});
