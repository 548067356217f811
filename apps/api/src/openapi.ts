// Routes declared once: the same zod schemas validate each request and produce the OpenAPI 3.1 document, so
// the document cannot drift from what the server accepts.
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { requireRole, type AuthEnv, type Caller, type Role } from './auth.ts';
import { HttpProblem, invalid } from './problem.ts';

type Method = 'get' | 'post' | 'put' | 'delete';
type Schema = z.ZodType;

export interface Input<P extends Schema, Q extends Schema, B extends Schema> {
  params: z.output<P>;
  query: z.output<Q>;
  body: z.output<B>;
  caller: Caller;
  c: Context<AuthEnv>;
}

export interface RouteSpec<P extends Schema, Q extends Schema, B extends Schema, R extends Schema> {
  method: Method;
  /** OpenAPI form: /api/v1/streams/{broker}/{stream} */
  path: string;
  summary: string;
  tag: string;
  role: Role;
  params?: P;
  query?: Q;
  body?: B;
  response: R;
  status?: 200 | 201;
  /** Non-JSON responses (reports); the handler then returns a Response. */
  produces?: string;
  handler: (input: Input<P, Q, B>) => Promise<z.input<R> | Response> | z.input<R> | Response;
}

interface Registered {
  spec: RouteSpec<Schema, Schema, Schema, Schema>;
}

const EMPTY = z.strictObject({});

export interface Routes {
  add<
    P extends Schema = typeof EMPTY,
    Q extends Schema = typeof EMPTY,
    B extends Schema = typeof EMPTY,
    R extends Schema = Schema,
  >(
    spec: RouteSpec<P, Q, B, R>,
  ): void;
  mount(app: Hono<AuthEnv>): void;
  document(): Record<string, unknown>;
}

export function createRoutes(info: { title: string; version: string }): Routes {
  const registered: Registered[] = [];
  return {
    add(spec) {
      registered.push({ spec: spec as unknown as RouteSpec<Schema, Schema, Schema, Schema> });
    },
    mount(app) {
      for (const { spec } of registered) {
        const honoPath = spec.path.replace(/\{(\w+)\}/g, ':$1');
        app.on(spec.method.toUpperCase(), honoPath, async (c) => {
          const caller = c.get('caller');
          requireRole(caller, spec.role);
          const params = parse(spec.params ?? EMPTY, c.req.param(), 'path');
          const query = parse(spec.query ?? EMPTY, c.req.query(), 'query');
          const body = spec.body ? parse(spec.body, await readJson(c), 'body') : {};
          const result = await spec.handler({ params, query, body, caller, c });
          if (result instanceof Response) return result;
          return c.json(result as object, spec.status ?? 200);
        });
      }
    },
    document: () => openApi(info, registered),
  };
}

function parse<S extends Schema>(schema: S, value: unknown, where: 'query' | 'path' | 'body'): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalid(parsed.error, where);
  return parsed.data;
}

async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type))
    throw new HttpProblem(
      415,
      'Unsupported Media Type',
      `expected a JSON body (content-type: application/json), got "${type || 'none'}"`,
    );
  try {
    return await c.req.json();
  } catch (err) {
    throw new HttpProblem(400, 'Invalid JSON body', (err as Error).message, [
      { field: 'body', message: 'expected valid JSON' },
    ]);
  }
}

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
    },
    request_id: { type: 'string' },
  },
};

const jsonSchema = (schema: Schema, io: 'input' | 'output') => {
  const json: Record<string, unknown> = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
  delete json.$schema; // OpenAPI 3.1 documents declare the dialect once, not per schema
  return json;
};

function parametersOf(schema: Schema | undefined, where: 'path' | 'query'): unknown[] {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input') as {
    properties?: Record<string, { description?: string }>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: s,
    ...(s.description ? { description: s.description } : {}),
  }));
}

function openApi(info: { title: string; version: string }, routes: Registered[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { spec } of routes) {
    const problemRef = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
    const responses: Record<string, unknown> = {
      [String(spec.status ?? 200)]: {
        description: spec.summary,
        content: spec.produces
          ? { [spec.produces]: { schema: { type: 'string' } } }
          : { 'application/json': { schema: jsonSchema(spec.response, 'output') } },
      },
      '400': { description: 'Invalid parameters; `errors` names each field', content: problemRef },
      '401': { description: 'Missing or unknown bearer token (when tokens are configured)', content: problemRef },
      ...(spec.role === 'admin' ? { '403': { description: 'The token is a viewer', content: problemRef } } : {}),
      ...(spec.params ? { '404': { description: 'Unknown id', content: problemRef } } : {}),
    };
    (paths[spec.path] ??= {})[spec.method] = {
      summary: spec.summary,
      tags: [spec.tag],
      operationId: `${spec.method}${spec.path
        .replace(/\/api\/v1/, '')
        .replace(/[{}]/g, '')
        .replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ?? '').toUpperCase())}`,
      'x-rollcall-role': spec.role,
      parameters: [...parametersOf(spec.params, 'path'), ...parametersOf(spec.query, 'query')],
      ...(spec.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, {}],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Problem: problemSchema },
    },
    paths,
  };
}
