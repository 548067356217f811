// The fault switches every pilot shares, per event type: drop a share, stop, duplicate a share, delay, change
// the payload's shape, slow the consumer. Pure decisions with an injected random source; traffic.ts applies them.
import { z } from 'zod';

const share = (what: string) =>
  z
    .number({ error: `expected the share of messages to ${what}, a number from 0 to 1` })
    .min(0, `expected the share of messages to ${what}, a number from 0 to 1`)
    .max(1, `expected the share of messages to ${what}, a number from 0 to 1`);

const millis = (what: string, max: number) =>
  z
    .number({ error: `expected ${what} in milliseconds` })
    .int(`expected ${what} in whole milliseconds`)
    .min(0, `expected ${what} of at least 0 ms`)
    .max(max, `expected ${what} of at most ${max} ms`);

const field = z
  .string({ error: 'expected a top-level payload field name' })
  .min(1, 'expected a top-level payload field name');

export const schemaChangeSchema = z.union(
  [z.strictObject({ rename: z.strictObject({ from: field, to: field }) }), z.strictObject({ remove: field })],
  {
    error: 'expected {"rename": {"from": "field", "to": "new_name"}} or {"remove": "field"}',
  },
);

export const faultSchema = z.strictObject({
  /** Share of messages the producer silently does not publish. */
  drop: share('drop').optional(),
  /** The producer publishes none of them. */
  stop: z.boolean({ error: 'expected true or false' }).optional(),
  /** Share of messages published twice, as the same message (same id): a retry after a lost ack. */
  duplicate: share('duplicate').optional(),
  /** Each message is held back this long before it is published; the rate stays the same. */
  delay_ms: millis('a delay', 600_000).optional(),
  /** The payload changes shape: a field renamed or removed. */
  schema: schemaChangeSchema.optional(),
  /** The consuming service takes this long over each message before handling it. */
  slow_consumer_ms: millis('a consumer slowdown', 60_000).optional(),
  /** Only messages whose payload has these top-level values are affected (the incident: one card network). */
  when: z.record(z.string().min(1), z.string(), { error: 'expected an object of payload field → value' }).optional(),
});

export type Fault = z.output<typeof faultSchema>;
export type SchemaChange = z.output<typeof schemaChangeSchema>;
/** Faults by event type; `*` applies to every event type that has no entry of its own. */
export type FaultTable = Record<string, Fault>;
export type Payload = Record<string, unknown>;

export const ANY_TYPE = '*';

/** A table keyed by the pilot's own event types (or `*`), so a typo is refused rather than silently ignored. */
export function faultTableSchema(eventTypes: readonly string[]) {
  const known = new Set([...eventTypes, ANY_TYPE]);
  return z
    .record(z.string(), faultSchema, {
      error: 'expected an object of event type → fault, e.g. {"CardAuthorized": {"drop": 0.4}}',
    })
    .superRefine((table, ctx) => {
      for (const type of Object.keys(table)) {
        if (!known.has(type))
          ctx.addIssue({
            code: 'custom',
            path: [type],
            message: `unknown event type; expected one of ${[...known].join(', ')}`,
          });
      }
    });
}

export function faultFor(table: FaultTable, eventType: string): Fault | undefined {
  return table[eventType] ?? table[ANY_TYPE];
}

export function appliesTo(fault: Fault, data: Payload): boolean {
  return Object.entries(fault.when ?? {}).every(([key, value]) => String(data[key]) === value);
}

export interface PublishPlan {
  /** 0: not published, 1: published, 2: published twice as the same message. */
  copies: 0 | 1 | 2;
  delayMs: number;
  data: Payload;
}

export function planPublish(fault: Fault | undefined, data: Payload, random: () => number): PublishPlan {
  if (!fault || !appliesTo(fault, data)) return { copies: 1, delayMs: 0, data };
  if (fault.stop || (fault.drop !== undefined && random() < fault.drop)) return { copies: 0, delayMs: 0, data };
  const copies = fault.duplicate !== undefined && random() < fault.duplicate ? 2 : 1;
  return { copies, delayMs: fault.delay_ms ?? 0, data: fault.schema ? changeSchema(data, fault.schema) : data };
}

/** The payload with one top-level field renamed or removed; the original is left alone. */
export function changeSchema(data: Payload, change: SchemaChange): Payload {
  const from = 'rename' in change ? change.rename.from : change.remove;
  if (!(from in data)) return data;
  const out: Payload = {};
  for (const [key, value] of Object.entries(data)) {
    if (key !== from) out[key] = value;
    else if ('rename' in change) out[change.rename.to] = value;
  }
  return out;
}

/** How long the consuming service stalls on this message. */
export function consumerDelay(fault: Fault | undefined, data: Payload): number {
  return fault?.slow_consumer_ms && appliesTo(fault, data) ? fault.slow_consumer_ms : 0;
}

/** One line for people: what the fault does. */
export function describeFault(type: string, fault: Fault): string {
  const parts: string[] = [];
  if (fault.stop) parts.push('publishes none');
  if (fault.drop) parts.push(`drops ${Math.round(fault.drop * 100)}%`);
  if (fault.duplicate) parts.push(`duplicates ${Math.round(fault.duplicate * 100)}%`);
  if (fault.delay_ms) parts.push(`delays each by ${fault.delay_ms} ms`);
  if (fault.schema)
    parts.push(
      'rename' in fault.schema
        ? `renames ${fault.schema.rename.from} to ${fault.schema.rename.to}`
        : `removes ${fault.schema.remove}`,
    );
  if (fault.slow_consumer_ms) parts.push(`slows its consumer by ${fault.slow_consumer_ms} ms a message`);
  const when = Object.entries(fault.when ?? {}).map(([k, v]) => `${k}=${v}`);
  return `${type === ANY_TYPE ? 'every event type' : type}: ${parts.join(', ') || 'no change'}${when.length ? ` (only ${when.join(', ')})` : ''}`;
}
