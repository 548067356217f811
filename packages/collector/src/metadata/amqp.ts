// RabbitMQ firehose message → event row. `publish.<exchange>` is a publish (with routed queues);
// `deliver.<queue>` is a delivery to a queue. The original message's properties arrive as a header table.
import type { AuditLevel } from '@rollcall/core/audit';
import type { ExtractConfig } from '@rollcall/core/config/schema';
import { hash53 } from '@rollcall/core/hash';
import { inspectBody } from './body.ts';
import { isStructuredCloudEvent, NO_METADATA, pickFields } from './fields.ts';
import { normaliseHeaders } from './headers.ts';
import type { EventRow } from '@rollcall/core/event';
import type { ExtractedEvent } from './kafka.ts';

export interface TraceMessage {
  routingKey: string;
  headers: Record<string, unknown> | undefined;
  body: Uint8Array;
}

export interface AmqpContext {
  cluster: string;
  observedAt: number;
  extract: ExtractConfig;
  /** How each exchange is audited (default rows): below rows no body is scanned for its schema, and a body is
   * parsed only when it holds a key an id lookup needs (as for Kafka records). */
  levelOf?: (exchange: string) => AuditLevel;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const table = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) ? (v as Record<string, unknown>) : {};

export class NotATraceMessage extends Error {
  override name = 'NotATraceMessage';
}

/** Parses the routing key: a message on the tap queue that is not a firehose trace throws NotATraceMessage. */
function verbAndTarget(routingKey: string): { verb: 'publish' | 'deliver'; target: string } {
  const dot = routingKey.indexOf('.');
  const verb = routingKey.slice(0, dot);
  if (dot < 0 || (verb !== 'publish' && verb !== 'deliver'))
    throw new NotATraceMessage(`unexpected firehose routing key "${routingKey}"`);
  return { verb, target: routingKey.slice(dot + 1) };
}

/** The firehose's own plumbing, not anyone's traffic: a delivery from a tap's overflow queue. A trace message
 * that overflowed a tap queue is dead-lettered to the overflow exchange and so belongs to it, which makes its
 * delivery to the tap traced (deliveries of messages of amq.rabbitmq.trace itself are not). Told by the x-death
 * entry RabbitMQ adds when dead-lettering: its exchange is the trace exchange. Read defensively: any shape that is
 * not exactly that is ordinary traffic. */
export function isTapPlumbing(msg: TraceMessage): boolean {
  if (!msg.routingKey.startsWith('deliver.')) return false;
  const deaths = table(table(table(msg.headers).properties).headers)['x-death'];
  return Array.isArray(deaths) && deaths.some((d) => table(d).exchange === 'amq.rabbitmq.trace');
}

/** One row per trace message, always: what cannot be read becomes a parse_error, never an exception that would
 * leave the message on the tap queue to be redelivered for ever. `note` is a problem known before reading
 * (e.g. the message could only be fetched through the management API). */
export function traceMessageToEvent(msg: TraceMessage, ctx: AmqpContext, note?: string): ExtractedEvent {
  const { verb, target } = verbAndTarget(msg.routingKey);
  try {
    return readTrace(msg, ctx, verb, target, note);
  } catch (err) {
    return unreadableTrace(msg, ctx, verb, target, [note, `trace message not readable: ${(err as Error).message}`]);
  }
}

function readTrace(
  msg: TraceMessage,
  ctx: AmqpContext,
  verb: 'publish' | 'deliver',
  target: string,
  note: string | undefined,
): ExtractedEvent {
  const trace = table(msg.headers);
  const props = table(trace.properties);
  const headers = normaliseHeaders(table(props.headers));
  const contentType = str(props.content_type) || undefined;
  const base = baseRow(msg, ctx, verb, target);
  const shape = (ctx.levelOf?.(base.stream) ?? 'rows') === 'rows';
  const body = inspectBody(msg.body, contentType, ctx.extract.max_parse_bytes, shape);
  const picked = pickFields(ctx.extract, headers.values, body, isStructuredCloudEvent(contentType));
  // The row is the base row filled in, not a copy of it: this runs for every trace message.
  const row = base;
  row.broker_ts = typeof props.timestamp === 'number' ? props.timestamp * 1000 : 0;
  // AMQP's own properties win over headers: they are the protocol's fields for exactly this.
  row.event_type = str(props.type) || picked.event_type;
  row.source = str(props.app_id) || picked.source;
  row.message_id = str(props.message_id) || picked.message_id;
  row.correlation_id = str(props.correlation_id) || picked.correlation_id;
  row.trace_id = picked.trace_id;
  row.header_count = headers.count;
  row.schema_fingerprint = body.fingerprint;
  if (note || headers.problems.length || body.problems.length)
    row.parse_error = [...(note ? [note] : []), ...headers.problems, ...body.problems].join('; ');
  return { row, paths: body.paths };
}

/** The fields every trace message has (routing, connection, size), read defensively. */
function baseRow(msg: TraceMessage, ctx: AmqpContext, verb: 'publish' | 'deliver', target: string): EventRow {
  const trace = table(msg.headers);
  const exchange = typeof trace.exchange_name === 'string' ? trace.exchange_name : verb === 'publish' ? target : '';
  return {
    observed_at: ctx.observedAt,
    broker_ts: 0,
    broker: 'rabbitmq',
    cluster: ctx.cluster,
    stream: exchange === '' ? 'amq.default' : exchange,
    routing_key: strings(trace.routing_keys)[0] ?? '',
    partition: -1,
    offset: -1,
    kind: verb,
    queue: verb === 'deliver' ? target : '',
    routed_queues: strings(trace.routed_queues),
    ...NO_METADATA, // readTrace fills it in
    size: msg.body.length,
    connection: str(trace.connection),
    user: str(trace.user),
    delivery_hash: deliveryHash(msg),
  };
}

function unreadableTrace(
  msg: TraceMessage,
  ctx: AmqpContext,
  verb: 'publish' | 'deliver',
  target: string,
  problems: (string | undefined)[],
): ExtractedEvent {
  const parse_error = problems.filter(Boolean).join('; ');
  try {
    return { row: { ...baseRow(msg, ctx, verb, target), parse_error }, paths: [] };
  } catch (err) {
    // Not even the routing fields could be read: the row still counts the message, under its routing key.
    const row = {
      ...baseRow({ ...msg, headers: {} }, ctx, verb, target),
      parse_error: `${parse_error}; ${(err as Error).message}`,
    };
    return { row, paths: [] };
  }
}

/** Identity of one trace message: its routing key, every header and the body. */
export function deliveryHash(msg: TraceMessage): number {
  const head = hash53(msg.routingKey + '\u0000' + headersText(msg.headers ?? {}));
  return hash53(msg.body, head % 0x7fffffff);
}

type Frame =
  | { kind: 'array'; items: unknown[]; at: number }
  | { kind: 'object'; obj: Record<string, unknown>; keys: string[]; at: number; wrote: boolean };

/** A Uint8Array that is not a Buffer: the delivery hash has always read these as base64 (a Buffer goes through its
 * toJSON, which writes its bytes as numbers). */
const isBareBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array && !Buffer.isBuffer(v);

// What JSON.stringify gives for a leaf (Buffers after their toJSON, bare Uint8Arrays as base64, as the hash has
// always read them), or undefined for a container or a value JSON leaves out.
function leafText(value: unknown): string | undefined {
  if (isBareBytes(value)) return JSON.stringify(Buffer.from(value).toString('base64'));
  if (value !== null && typeof value === 'object') return undefined;
  return JSON.stringify(value) ?? 'null';
}

function open(value: unknown): Frame {
  const v = (value as { toJSON?: () => unknown }).toJSON?.() ?? value;
  return Array.isArray(v)
    ? { kind: 'array', items: v, at: 0 }
    : { kind: 'object', obj: v as Record<string, unknown>, keys: Object.keys(v as object), at: 0, wrote: false };
}

// Bare Uint8Arrays as base64, as the delivery hash has always read them (Buffers go through their toJSON first).
const base64Bytes = (_key: string, v: unknown) => (isBareBytes(v) ? Buffer.from(v).toString('base64') : v);

/** JSON.stringify of a header table (what the delivery hash has always been computed from, so hashes of stored
 * rows still match after an upgrade). The native one first: it is several times faster, and every trace message
 * is hashed; a table nested thousands deep (AMQP allows it) overflows its stack, and is written without recursion.
 * Without a bare Uint8Array in the table (rabbitmq-client decodes byte arrays as Buffers) the native one needs no
 * replacer, which it would call for every key and value: a third of the text's cost. */
export function headersText(headers: Record<string, unknown>): string {
  try {
    return mayHoldBareBytes(headers, 0) ? JSON.stringify(headers, base64Bytes) : JSON.stringify(headers);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return headersTextIteratively(headers);
  }
}

/** Tables nested deeper than this are left to the replacer (and, deeper still, to the iterative writer). */
const SCANNED_DEPTH = 32;

/** False only when no bare Uint8Array is among what JSON.stringify would write of `value`; true where unsure (an
 * object with a toJSON of its own, a table nested deeper than SCANNED_DEPTH). for..in reads every own enumerable
 * key, as JSON.stringify does, and at most more. */
function mayHoldBareBytes(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (value instanceof Uint8Array) return isBareBytes(value);
  if (depth > SCANNED_DEPTH || typeof (value as { toJSON?: unknown }).toJSON === 'function') return true;
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) if (mayHoldBareBytes(item, depth + 1)) return true;
    return false;
  }
  for (const key in value) if (mayHoldBareBytes((value as Record<string, unknown>)[key], depth + 1)) return true;
  return false;
}

function headersTextIteratively(headers: Record<string, unknown>): string {
  const out: string[] = [];
  const stack: Frame[] = [open(headers)];
  out.push(stack[0]?.kind === 'array' ? '[' : '{');
  for (let top = stack.at(-1); top; top = stack.at(-1)) {
    let value: unknown;
    if (top.kind === 'array') {
      if (top.at === top.items.length) {
        out.push(']');
        stack.pop();
        continue;
      }
      if (top.at > 0) out.push(',');
      value = top.items[top.at++];
      if (value === undefined || typeof value === 'function' || typeof value === 'symbol') value = null;
    } else {
      if (top.at === top.keys.length) {
        out.push('}');
        stack.pop();
        continue;
      }
      const key = top.keys[top.at++] as string;
      value = top.obj[key];
      if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue;
      out.push((top.wrote ? ',' : '') + JSON.stringify(key) + ':');
      top.wrote = true;
    }
    const leaf = leafText(value);
    if (leaf !== undefined) {
      out.push(leaf);
      continue;
    }
    const frame = open(value);
    out.push(frame.kind === 'array' ? '[' : '{');
    stack.push(frame);
  }
  return out.join('');
}
