import { parseConfig } from '@rollcall/core/config';
import type { ExtractConfig } from '@rollcall/core/config/schema';
import { describe, expect, it } from 'vitest';
import { COUNTED_FIELDS, KEY_COLUMNS } from '@rollcall/core/store';
import { countedKafkaRecord, kafkaRecordToEvent, type KafkaContext, type KafkaRecord } from './kafka.ts';

const extract = parseConfig('', 'test', {}).extract;
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const TRACEPARENT = `00-${TRACE_ID}-b7ad6b7169203331-01`;

const ctx = (over: Partial<KafkaContext> = {}): KafkaContext => ({
  cluster: 'prod-eu',
  topic: 'orders',
  partition: 3,
  observedAt: 1_700_000_000_500,
  extract,
  ...over,
});

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

const record = (over: Partial<KafkaRecord> = {}): KafkaRecord => ({
  key: Buffer.from('order-1'),
  value: json({ orderId: 'o-1', amount: 12 }),
  timestamp: '1700000000000',
  offset: '42',
  headers: {},
  ...over,
});

const convert = (over: Partial<KafkaRecord> = {}, context: Partial<KafkaContext> = {}) =>
  kafkaRecordToEvent(record(over), ctx(context)).row;

describe('kafkaRecordToEvent: position and identity', () => {
  it('copies topic, partition, offset, timestamps and cluster', () => {
    const row = convert();
    expect(row).toMatchObject({
      broker: 'kafka',
      cluster: 'prod-eu',
      stream: 'orders',
      partition: 3,
      offset: 42,
      broker_ts: 1_700_000_000_000,
      observed_at: 1_700_000_000_500,
      kind: 'publish',
      routing_key: '',
      queue: '',
      routed_queues: [],
      delivery_hash: 0,
    });
  });

  it('uses 0 for a missing or non-numeric broker timestamp', () => {
    expect(convert({ timestamp: '' }).broker_ts).toBe(0);
    expect(convert({ timestamp: 'not-a-time' }).broker_ts).toBe(0);
    expect(convert({ timestamp: '-1' }).broker_ts).toBe(0);
  });

  it('hashes keys: same key same hash, different keys differ, no key is 0', () => {
    const a = convert({ key: Buffer.from('customer-17') }).key_hash;
    expect(a).toBeGreaterThan(0);
    expect(convert({ key: Buffer.from('customer-17') }).key_hash).toBe(a);
    expect(convert({ key: Buffer.from('customer-18') }).key_hash).not.toBe(a);
    expect(convert({ key: null }).key_hash).toBe(0);
    expect(convert({ key: Buffer.alloc(0) }).key_hash).toBe(0);
  });
});

describe('kafkaRecordToEvent: CloudEvents', () => {
  it('binary mode: ce_* headers give event type, source and message id', () => {
    const row = convert({
      headers: {
        ce_specversion: Buffer.from('1.0'),
        ce_type: Buffer.from('com.shop.OrderPlaced'),
        ce_source: Buffer.from('/shop/checkout'),
        ce_id: Buffer.from('evt-123'),
        'content-type': Buffer.from('application/json'),
      },
      value: json({ orderId: 'o-1', type: 'should-not-win' }),
    });
    expect(row.event_type).toBe('com.shop.OrderPlaced');
    expect(row.source).toBe('/shop/checkout');
    expect(row.message_id).toBe('evt-123');
    expect(row.header_count).toBe(5);
    expect(row.parse_error).toBe('');
  });

  it('structured mode: attributes come from the JSON envelope', () => {
    const { row, paths } = kafkaRecordToEvent(
      record({
        headers: { 'content-type': Buffer.from('application/cloudevents+json; charset=UTF-8') },
        value: json({
          specversion: '1.0',
          type: 'com.shop.OrderShipped',
          source: '/shop/warehouse',
          id: 'evt-9',
          correlationid: 'corr-9',
          data: { orderId: 'o-9' },
        }),
      }),
      ctx(),
    );
    expect(row.event_type).toBe('com.shop.OrderShipped');
    expect(row.source).toBe('/shop/warehouse');
    expect(row.message_id).toBe('evt-9');
    expect(row.correlation_id).toBe('corr-9');
    expect(row.schema_fingerprint).not.toBe(0);
    expect(paths).toEqual(['/correlationid', '/data', '/data/orderId', '/id', '/source', '/specversion', '/type']);
  });

  it('structured-mode id is used even though /id is not a configured message id pointer', () => {
    const body = json({ type: 't', source: 's', id: 'only-in-envelope' });
    expect(convert({ value: body, headers: { 'content-type': 'application/cloudevents+json' } }).message_id).toBe(
      'only-in-envelope',
    );
    // The same body without the structured content type is plain JSON: /id is not one of the default pointers.
    expect(convert({ value: body, headers: { 'content-type': 'application/json' } }).message_id).toBe('');
  });
});

describe('kafkaRecordToEvent: trace and correlation ids', () => {
  it('reads the trace id from a W3C traceparent header', () => {
    expect(convert({ headers: { traceparent: Buffer.from(TRACEPARENT) } }).trace_id).toBe(TRACE_ID);
  });

  it('reads the trace id from the CloudEvents distributed tracing extension header', () => {
    expect(convert({ headers: { ce_traceparent: Buffer.from(TRACEPARENT) } }).trace_id).toBe(TRACE_ID);
  });

  it('ignores an all-zero or malformed traceparent', () => {
    expect(
      convert({ headers: { traceparent: Buffer.from(`00-${'0'.repeat(32)}-b7ad6b7169203331-01`) } }).trace_id,
    ).toBe('');
    expect(convert({ headers: { traceparent: Buffer.from('not-a-traceparent') } }).trace_id).toBe('');
    expect(
      convert({ headers: { traceparent: Buffer.from(`00-${TRACE_ID.slice(0, 30)}-b7ad6b7169203331-01`) } }).trace_id,
    ).toBe('');
    expect(convert({ headers: { traceparent: Buffer.from(`00-${TRACE_ID}`) } }).trace_id).toBe('');
  });

  it('reads the correlation id from a header', () => {
    expect(convert({ headers: { 'x-correlation-id': Buffer.from('corr-h') } }).correlation_id).toBe('corr-h');
  });

  it('reads the correlation id from a JSON pointer when no header has it', () => {
    expect(convert({ value: json({ data: { correlationId: 'corr-j' } }) }).correlation_id).toBe('corr-j');
  });

  it('prefers the header over the body for the correlation id', () => {
    const row = convert({ headers: { correlation_id: 'corr-h' }, value: json({ correlation_id: 'corr-j' }) });
    expect(row.correlation_id).toBe('corr-h');
  });
});

describe('kafkaRecordToEvent: configurable extraction', () => {
  const custom: ExtractConfig = {
    ...extract,
    event_type: { headers: ['x-kind'], json: ['/meta/kind'] },
    message_id: { headers: ['x-msg'], json: ['/meta/seq'] },
    correlation_id: { headers: ['x-flow'], json: ['/meta/flow'] },
  };

  it('uses the configured header names', () => {
    const row = convert(
      { headers: { 'x-kind': 'Refund', 'x-msg': 'm-5', 'x-flow': 'f-1', ce_type: 'ignored' } },
      { extract: custom },
    );
    expect(row.event_type).toBe('Refund');
    expect(row.message_id).toBe('m-5');
    expect(row.correlation_id).toBe('f-1');
  });

  it('uses the configured JSON pointers, including numeric leaves', () => {
    const row = convert(
      { value: json({ type: 'ignored', meta: { kind: 'Refund', seq: 77, flow: 'f-2' } }) },
      { extract: custom },
    );
    expect(row.event_type).toBe('Refund');
    expect(row.message_id).toBe('77');
    expect(row.correlation_id).toBe('f-2');
  });

  it('the default config does not read the custom names', () => {
    const row = convert({ headers: { 'x-kind': 'Refund' }, value: json({ meta: { kind: 'Refund' } }) });
    expect(row.event_type).toBe('');
  });
});

describe('kafkaRecordToEvent: headers', () => {
  it('missing headers give empty fields and no error', () => {
    const row = convert({ headers: undefined, value: json({ orderId: 'o-1' }) });
    expect(row).toMatchObject({
      event_type: '',
      source: '',
      message_id: '',
      correlation_id: '',
      trace_id: '',
      header_count: 0,
      parse_error: '',
    });
  });

  it('duplicate headers: the first value is used and every value is counted', () => {
    const row = convert({
      headers: { ce_type: [Buffer.from('First'), Buffer.from('Second')], ce_source: Buffer.from('svc') },
    });
    expect(row.event_type).toBe('First');
    expect(row.header_count).toBe(3);
  });

  it('a header that is not UTF-8 is skipped and named in parse_error', () => {
    const row = convert({ headers: { ce_type: Buffer.from([0xff, 0xfe, 0xfd]), ce_source: Buffer.from('svc') } });
    expect(row.event_type).toBe('');
    expect(row.source).toBe('svc');
    expect(row.header_count).toBe(2);
    expect(row.parse_error).toBe('header ce_type is not valid UTF-8');
  });

  it('header and body problems are both reported', () => {
    const row = convert({ headers: { 'x-bin': Buffer.from([0xc3]) }, value: Buffer.from('{"a":') });
    expect(row.parse_error).toMatch(/^header x-bin is not valid UTF-8; invalid JSON body: /);
  });
});

describe('kafkaRecordToEvent: body', () => {
  it('a body that looks like JSON but is not UTF-8 is noted, not fingerprinted', () => {
    const value = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const row = convert({ value });
    expect(row.parse_error).toBe('body is not valid UTF-8');
    expect(row.schema_fingerprint).toBe(0);
    expect(row.size).toBe(value.length);
  });

  it('invalid JSON is noted', () => {
    const row = convert({ value: Buffer.from('{"orderId": "o-1",') });
    expect(row.parse_error).toMatch(/^invalid JSON body: /);
    expect(row.schema_fingerprint).toBe(0);
  });

  it('a body that does not look like JSON and has no content type is not parsed and is not an error', () => {
    const row = convert({ value: Buffer.from('plain text, not json') });
    expect(row.parse_error).toBe('');
    expect(row.schema_fingerprint).toBe(0);
  });

  it('a 10 MB JSON body is not parsed: size is recorded and parse_error names max_parse_bytes', () => {
    const size = 10 * 1024 * 1024;
    const prefix = '{"blob":"';
    const suffix = '"}';
    const value = Buffer.from(prefix + 'x'.repeat(size - prefix.length - suffix.length) + suffix);
    expect(value.length).toBe(size);
    const started = performance.now();
    const { row, paths } = kafkaRecordToEvent(record({ value }), ctx());
    const elapsed = performance.now() - started;
    expect(row.size).toBe(size);
    expect(row.parse_error).toContain('extract.max_parse_bytes');
    expect(row.parse_error).toContain(String(size));
    expect(row.schema_fingerprint).toBe(0);
    expect(paths).toEqual([]);
    expect(elapsed).toBeLessThan(1000);
  });

  it('max_parse_bytes is honoured exactly at the limit', () => {
    const value = json({ a: 1 });
    expect(convert({ value }, { extract: { ...extract, max_parse_bytes: value.length } }).parse_error).toBe('');
    expect(convert({ value }, { extract: { ...extract, max_parse_bytes: value.length - 1 } }).parse_error).toContain(
      'max_parse_bytes',
    );
  });

  it('an empty body and a null value (tombstone) have size 0 and no error', () => {
    for (const value of [Buffer.alloc(0), null]) {
      const row = convert({ value });
      expect(row.size).toBe(0);
      expect(row.parse_error).toBe('');
      expect(row.schema_fingerprint).toBe(0);
    }
  });
});

describe('kafkaRecordToEvent: schema fingerprint', () => {
  const fingerprint = (value: unknown) => convert({ value: json(value) }).schema_fingerprint;

  it('is the same for the same key paths in a different order with different values', () => {
    const a = fingerprint({ id: 1, customer: { name: 'Ann', tier: 'gold' }, total: 10 });
    const b = fingerprint({ total: 99.5, customer: { tier: 'basic', name: 'Bob' }, id: 'x-2' });
    expect(a).not.toBe(0);
    expect(b).toBe(a);
  });

  it('changes when a field is removed', () => {
    const a = fingerprint({ id: 1, customer: { name: 'Ann', tier: 'gold' } });
    expect(fingerprint({ id: 1, customer: { name: 'Ann' } })).not.toBe(a);
  });

  it('ignores array length', () => {
    const a = fingerprint({ items: [{ sku: 'a', qty: 1 }] });
    const b = fingerprint({
      items: [
        { sku: 'a', qty: 1 },
        { sku: 'b', qty: 2 },
        { sku: 'c', qty: 3 },
      ],
    });
    expect(b).toBe(a);
  });
});

describe('kafkaRecordToEvent: privacy', () => {
  it('never puts body content in the row', () => {
    const secret = 'PAN-4111111111111111-SECRET';
    const { row } = kafkaRecordToEvent(
      record({
        headers: { ce_type: Buffer.from('CardAuthorized'), traceparent: Buffer.from(TRACEPARENT) },
        value: json({ card: { number: secret }, note: `note ${secret}` }),
      }),
      ctx(),
    );
    expect(row.event_type).toBe('CardAuthorized');
    expect(row.schema_fingerprint).not.toBe(0);
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(JSON.stringify(row)).not.toContain('4111111111111111');
  });

  it('never echoes the body in a parse error', () => {
    // V8 quotes the input around the error in some JSON.parse messages; for a short body that is all of it.
    for (const text of [
      '{"pin":s3cr3t4111}',
      `{"pad":"${'y'.repeat(60)}","pin":s3cr3t4111}`,
      '{"pin":"s3cr3t4111","ok":tru}',
    ]) {
      const row = convert({ value: Buffer.from(text) });
      expect(row.parse_error).toMatch(/^invalid JSON body: .*not valid JSON$/);
      expect(JSON.stringify(row)).not.toContain('s3cr3t');
      expect(JSON.stringify(row)).not.toContain('4111');
    }
  });
});

describe('kafkaRecordToEvent: audit levels', () => {
  const body = json({ type: 'OrderPlaced', source: 'shop', messageId: 'm-1', correlationId: 'c-1', x: { y: 1 } });
  it('reads only the event type and source at counts, from headers or the body, and scans no schema', () => {
    const counted = kafkaRecordToEvent(record({ value: body }), ctx({ level: 'counts' }));
    expect(counted.row).toMatchObject({
      event_type: 'OrderPlaced',
      source: 'shop',
      message_id: '',
      correlation_id: '',
    });
    expect([counted.row.schema_fingerprint, counted.paths]).toEqual([0, []]);
    expect(convert({ value: Buffer.from('{not json'), headers: { ce_type: 'T' } }, { level: 'counts' })).toMatchObject({
      event_type: 'T',
      parse_error: '',
    });
  });

  it('takes the event type and source from headers alone at counts, as the full path would', () => {
    const headers = {
      ce_type: Buffer.from('CardAuthorized'),
      ce_source: Buffer.from('cards'),
      ce_id: Buffer.from('x'),
    };
    const full = convert({ headers });
    expect(convert({ headers }, { level: 'counts' })).toEqual({
      ...full,
      message_id: '',
      header_count: 0,
      schema_fingerprint: 0,
    });
    // a structured CloudEvent's attributes are in the body, whatever the headers say
    const structured = convert(
      {
        headers: { ...headers, 'content-type': Buffer.from('application/cloudevents+json') },
        value: json({ type: 'FromBody', source: 'body', id: '1' }),
      },
      { level: 'counts' },
    );
    expect([structured.event_type, structured.source]).toEqual(['FromBody', 'body']);
  });

  it('counts a record with no row of its own exactly as its row at counts would be counted', () => {
    const headers = { ce_type: Buffer.from('CardAuthorized'), ce_source: Buffer.from('cards') };
    const scratch = { ...convert() };
    for (const over of [
      { headers }, // headers say it all: written into the scratch object
      { headers: {}, value: body }, // the body is read: the record's row
      { headers: { ...headers, 'content-type': Buffer.from('application/cloudevents+json') }, value: body },
      { headers, timestamp: '-1', key: null },
    ]) {
      const row = convert(over, { level: 'counts' });
      const counted = countedKafkaRecord(record(over), ctx({ level: 'counts' }), scratch);
      for (const field of COUNTED_FIELDS) expect([field, counted[field]]).toEqual([field, row[field]]);
    }
    expect(countedKafkaRecord(record({ headers }), ctx({ level: 'counts' }), scratch)).toBe(scratch);
  });

  // A keys row's columns, as a row at rows has them.
  const keyColumns = (row: object) =>
    Object.fromEntries(KEY_COLUMNS.map((c) => [c, (row as Record<string, unknown>)[c]]));

  it('reads every id at keys, as at rows', () => {
    const keyed = convert({ value: body }, { level: 'keys' });
    expect(keyed).toMatchObject({ message_id: 'm-1', correlation_id: 'c-1', event_type: 'OrderPlaced' });
    expect(keyColumns(keyed)).toEqual(keyColumns(convert({ value: body })));
  });

  it('reads a pointer into a body that is an array, at every level', () => {
    // An array's indexes are never quoted, so it is parsed rather than looked through for the key.
    const byIndex = parseConfig('extract: { correlation_id: { json: ["/0/corr"] } }', 'test', {}).extract;
    const value = json([{ corr: 'c-9' }]);
    for (const level of ['rows', 'keys'] as const)
      expect([level, convert({ value }, { level, extract: byIndex }).correlation_id]).toEqual([level, 'c-9']);
  });

  it('at keys, finds a key right after a string that spells another configured key', () => {
    // `","` between two strings spells the key `,`; the quote that opens "corr" must still be seen.
    const odd = parseConfig('extract: { correlation_id: { json: ["/,", "/corr"] } }', 'test', {}).extract;
    expect(convert({ value: json({ a: 'b', corr: 'c-3' }) }, { level: 'keys', extract: odd }).correlation_id).toBe(
      'c-3',
    );
  });

  it('at keys, finds ids the body spells with escapes and none where the key is only a value', () => {
    // Keys skip the schema scan and look for a key's quoted name in the body; a body with escapes is parsed.
    const escaped = Buffer.from('{"\\u0074ype":"OrderPlaced","source":"shop","correlation\\u0049d":"c-2"}');
    expect(convert({ value: escaped }, { level: 'keys' })).toMatchObject({
      event_type: 'OrderPlaced',
      correlation_id: 'c-2',
    });
    const mentioned = json({ note: 'correlationId', type: 'OrderPlaced', source: 'shop' });
    expect(convert({ value: mentioned }, { level: 'keys' })).toMatchObject({
      correlation_id: '',
      event_type: 'OrderPlaced',
    });
    for (const value of [escaped, mentioned])
      expect(keyColumns(convert({ value }, { level: 'keys' }))).toEqual(keyColumns(convert({ value })));
  });
});
