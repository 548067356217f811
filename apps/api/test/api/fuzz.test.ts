// Property-based sweep of every route in the served OpenAPI document: parameters and bodies generated from each
// route's schema, skewed towards what breaks parsers (times outside 1970..2100, huge durations, unsafe integers,
// out-of-range limits), against a real embedded store. No answer may be a 5xx, and every refusal is problem+json.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { ADMIN, NOW, useFixture } from './fixture.ts';

const jsonSchema: z.ZodType<JsonSchema> = z.lazy(() =>
  z.object({
    type: z.string().optional(),
    enum: z.array(z.string()).optional(),
    pattern: z.string().optional(),
    format: z.string().optional(),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
    properties: z.record(z.string(), jsonSchema).optional(),
    items: jsonSchema.optional(),
    required: z.array(z.string()).optional(),
  }),
);
interface JsonSchema {
  type?: string | undefined;
  enum?: string[] | undefined;
  pattern?: string | undefined;
  format?: string | undefined;
  minimum?: number | undefined;
  maximum?: number | undefined;
  properties?: Record<string, JsonSchema> | undefined;
  items?: JsonSchema | undefined;
  required?: string[] | undefined;
}
const parameter = z.object({
  name: z.string(),
  in: z.enum(['path', 'query']),
  required: z.boolean(),
  schema: jsonSchema,
});
const operation = z.object({
  parameters: z.array(parameter),
  requestBody: z.object({ content: z.object({ 'application/json': z.object({ schema: jsonSchema }) }) }).optional(),
});
const documentSchema = z.object({ paths: z.record(z.string(), z.record(z.string(), operation)) });

interface Route {
  method: string;
  path: string;
  op: z.output<typeof operation>;
}

const RUNS_PER_ROUTE = 80;

const TIME_FIELDS = new Set(['from', 'to', 'ends_at']);
const DURATION_FIELDS = new Set(['range', 'since', 'duration']);
// Ids and values the fixture knows, so a hostile field elsewhere reaches the handler past its lookups.
const KNOWN_VALUES: Record<string, string[]> = {
  id: ['orders-floor', 'payments-quiet'],
  stream: ['orders', 'payments'],
  group: ['billing'],
  from: [new Date(NOW - 2 * 3_600_000).toISOString()],
  to: [new Date(NOW).toISOString(), String(NOW)],
  ends_at: [new Date(NOW + 3_600_000).toISOString()],
  range: ['15m', '1h', '7d'],
  since: ['5m', '1d'],
  duration: ['2h'],
  yaml: ['rules: []', 'rules:\n  - id: x\n    type: volume\n    match: { stream: a }\n    min: 1\n'],
  comment: ['because'],
  state: ['firing', 'firing,pending'],
};

const hugeDigits = fc.oneof(
  fc.constantFrom('9999999999999999', '0000000000', '-1', '1e309', 'NaN', 'Infinity'),
  fc.bigInt({ min: 0n, max: 10n ** 20n }).map(String),
);
const instant = fc.oneof(
  hugeDigits,
  fc.constantFrom(
    '1969-12-31T23:59:59Z',
    '1970-01-01T00:00:00Z',
    '2100-01-01T00:00:01Z',
    '+275760-09-13T00:00:00Z',
    '-000001-01-01T00:00:00Z',
    '0000-01-01',
    '9999-12-31T23:59:59Z',
  ),
  fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.integer({ min: -1e15, max: 1e16 }).map(String),
);
const duration = fc.oneof(
  fc.constantFrom('100000000w', '999999999999999999999d', '1e3s', '0s', '-5m', '0.0000001ms', '401d', '400d', '1.5h'),
  fc
    .tuple(fc.oneof(hugeDigits, fc.nat().map(String)), fc.constantFrom('ms', 's', 'm', 'h', 'd', 'w'))
    .map(([n, u]) => n + u),
);
const junk = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('', ' ', '%', '../..', 'a'.repeat(2000), "'; DROP TABLE x --"),
);

/** A value the schema accepts, so that one hostile field at a time reaches the handler. */
function validFor(name: string, schema: JsonSchema): fc.Arbitrary<unknown> {
  const known = KNOWN_VALUES[name];
  if (known) return fc.constantFrom(...known);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.type === 'integer' || schema.type === 'number')
    return fc.integer({ min: schema.minimum ?? 0, max: schema.maximum ?? 1000 });
  if (schema.type === 'array' && schema.items)
    return fc.array(validFor('', schema.items), { minLength: 1, maxLength: 3 });
  if (schema.type === 'object') return objectFor(schema, validFor);
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
  return fc.string({ minLength: 1, maxLength: 20 });
}

/** A value aimed at the parser: out-of-range times, durations and numbers, or junk of the schema's type. */
function hostileFor(name: string, schema: JsonSchema): fc.Arbitrary<unknown> {
  if (TIME_FIELDS.has(name)) return fc.oneof({ arbitrary: instant, weight: 4 }, { arbitrary: junk, weight: 1 });
  if (DURATION_FIELDS.has(name)) return fc.oneof({ arbitrary: duration, weight: 4 }, { arbitrary: junk, weight: 1 });
  if (schema.type === 'integer' || schema.type === 'number')
    return fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 }), fc.double(), hugeDigits);
  if (schema.type === 'array' && schema.items) return fc.array(hostileFor('', schema.items), { maxLength: 25 });
  if (schema.type === 'object') return objectFor(schema, hostileFor);
  return fc.oneof(junk, duration, instant);
}

type Generate = (name: string, schema: JsonSchema) => fc.Arbitrary<unknown>;

function objectFor(schema: JsonSchema, generate: Generate): fc.Arbitrary<Record<string, unknown>> {
  const props = schema.properties ?? {};
  const entries = Object.entries(props).map(([key, s]) => [key, generate(key, s)] as const);
  return fc.record(Object.fromEntries(entries), { requiredKeys: (schema.required ?? []).filter((k) => k in props) });
}

interface Slot {
  name: string;
  schema: JsonSchema;
  in: 'path' | 'query' | 'body';
  required: boolean;
}

function slotsOf(route: Route): Slot[] {
  const body = route.op.requestBody?.content['application/json'].schema;
  const bodySlots = Object.entries(body?.properties ?? {}).map(([name, schema]) => ({
    name,
    schema,
    in: 'body' as const,
    required: (body?.required ?? []).includes(name),
  }));
  return [
    ...route.op.parameters.map((p) => ({ name: p.name, schema: p.schema, in: p.in, required: p.required })),
    ...bodySlots,
  ];
}

/** One request: the slot at `target` hostile (every slot when target is past the end), the rest valid or left out. */
function slotValue(slot: Slot, hostile: boolean): fc.Arbitrary<unknown> {
  const value = hostile ? hostileFor(slot.name, slot.schema) : validFor(slot.name, slot.schema);
  if (slot.required) return value;
  return fc.option(value, { nil: undefined, freq: hostile ? 5 : 2 });
}

function requestFor(route: Route): fc.Arbitrary<{ url: string; body: unknown }> {
  const slots = slotsOf(route);
  const hasBody = route.op.requestBody !== undefined;
  return fc
    .nat({ max: slots.length })
    .chain((target) =>
      fc.tuple(
        fc.tuple(...slots.map((slot, i) => slotValue(slot, target === i || target === slots.length))),
        hasBody
          ? fc.oneof({ arbitrary: fc.constant(false), weight: 9 }, { arbitrary: fc.constant(true), weight: 1 })
          : fc.constant(false),
        fc.jsonValue(),
      ),
    )
    .map(([values, rawBody, json]) => {
      let path = route.path;
      const query = new URLSearchParams();
      const body: Record<string, unknown> = {};
      slots.forEach((slot, i) => {
        const v = values[i];
        if (v === undefined) return;
        const text = typeof v === 'string' ? v : JSON.stringify(v);
        if (slot.in === 'path') path = path.replace(`{${slot.name}}`, encodeURIComponent(text === '' ? '-' : text));
        else if (slot.in === 'query') query.set(slot.name, text);
        else body[slot.name] = v;
      });
      const qs = query.toString();
      return { url: qs ? `${path}?${qs}` : path, body: hasBody ? (rawBody ? json : body) : undefined };
    });
}

const f = useFixture();

it('answers every generated request to every OpenAPI route without a 5xx', async () => {
  const doc = documentSchema.parse(await (await f.request('/api/v1/openapi.json', { token: ADMIN })).json());
  const routes: Route[] = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
  let sent = 0;
  const failures: string[] = [];
  for (const route of routes) {
    await fc.assert(
      fc.asyncProperty(requestFor(route), async ({ url, body }) => {
        sent++;
        const res = await f.request(url, {
          token: ADMIN,
          method: route.method,
          ...(body !== undefined ? { body } : {}),
        });
        const text = await res.text();
        if (process.env.FUZZ_LOG) console.log(res.status, route.method, url);
        const refusedPlainly =
          res.status >= 400 && !(res.headers.get('content-type') ?? '').startsWith('application/problem+json');
        if (res.status >= 500 || refusedPlainly)
          failures.push(`${route.method} ${url} ${JSON.stringify(body)} -> ${res.status} ${text.slice(0, 300)}`);
      }),
      { numRuns: RUNS_PER_ROUTE, seed: Number(process.env.FUZZ_SEED ?? 17) },
    );
  }
  expect(sent).toBeGreaterThanOrEqual(2000);
  expect(failures.slice(0, 20)).toEqual([]);
}, 600_000);
