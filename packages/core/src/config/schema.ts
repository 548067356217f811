// The shape of rollcall.yaml. Every field has a default so the local demo needs no file at all.
import { z } from 'zod';
import { AUDIT_LEVELS } from '@rollcall/contract/audit';
import { DURATION_HINT, parseDuration } from '@rollcall/contract/duration';

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `expected ${DURATION_HINT}, got "${text}"` });
        return z.NEVER;
      }
      return ms;
    });

const regex = z.string().superRefine((text, ctx) => {
  try {
    new RegExp(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `expected a regular expression: ${(err as Error).message}` });
  }
});

const jsonPointer = z.string().regex(/^(\/[^/]*)*$/, 'expected a JSON pointer such as /data/id');

const fieldSource = (headers: string[], json: string[]) =>
  z
    .strictObject({ headers: z.array(z.string().min(1)).default(headers), json: z.array(jsonPointer).default(json) })
    .prefault({});

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'expected the name of an environment variable');

const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port');

/** Everything Rollcall calls over HTTP: another scheme (ftp://, file://) could only fail later, with a stack trace. */
const httpUrl = () =>
  z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL such as https://host:8443' });

export const configSchema = z.strictObject({
  log_level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** SIGTERM to exit, whatever state the taps are in: Kubernetes sends SIGKILL 30 s after SIGTERM by default. */
  shutdown_timeout: duration('25s'),
  clickhouse: z
    .strictObject({
      url: httpUrl().optional(),
      user: z.string().default('default'),
      password: z.string().default(''),
      database: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a database name')
        .default('rollcall'),
      data_dir: z.string().min(1).default('./data/clickhouse'),
      ttl_days: z.number().int().min(1).default(30),
    })
    .prefault({}),
  kafka: z
    .strictObject({
      enabled: z.boolean().default(true),
      cluster: z.string().min(1).default('local'),
      brokers: z.array(hostPort).min(1).default(['127.0.0.1:9092']),
      client_id: z.string().min(1).default('rollcall'),
      group_id: z.string().min(1).default('rollcall-tap'),
      include: z.array(regex).default(['.*']),
      exclude: z.array(regex).default(['^__', '^_confluent', '^_schemas$']),
      start: z.enum(['latest', 'earliest']).default('latest'),
      metadata_refresh: duration('10s'),
      // How fast the group notices a dead collector; the broker's group.min.session.timeout.ms (6s) is the floor.
      session_timeout: duration('30s'),
      ssl: z.boolean().default(false),
      sasl: z
        .strictObject({
          mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
          username: z.string().min(1),
          password: z
            .string({ error: 'expected a password: set ROLLCALL_KAFKA_SASL_PASSWORD' })
            .min(1, 'expected a password: set ROLLCALL_KAFKA_SASL_PASSWORD'),
        })
        .optional(),
    })
    .prefault({}),
  rabbitmq: z
    .strictObject({
      enabled: z.boolean().default(true),
      cluster: z.string().min(1).default('local'),
      url: z
        .string()
        .regex(/^amqps?:\/\//, 'expected an amqp:// or amqps:// URL')
        .default('amqp://guest:guest@127.0.0.1:5672'),
      vhosts: z.array(z.string().min(1)).min(1).default(['/']),
      management_url: httpUrl().default('http://127.0.0.1:15672'),
      tap_queue: z.string().min(1).default('rollcall.tap'),
      max_length: z.number().int().min(1000).default(1_000_000),
      overflow: z.enum(['reject-publish', 'drop-head']).default('reject-publish'),
      // Half a window is one insert (collector/rabbitmq/firehose.ts): 20,000 makes it writer.batch_size's 10,000 rows;
      // 5,000 made inserts of 2,500, whose fixed cost in the store cost the tap 7–30 % more CPU per message (bench:rabbitmq-tap).
      prefetch: z.number().int().min(1).max(65_535).default(20_000),
      /** What the tap queue receives from the firehose: every publish and delivery (`all`), or publishes only
       * (`publish`), with deliveries counted per queue from the management API by the lag role. */
      trace: z.enum(['all', 'publish']).default('all'),
    })
    .prefault({}),
  extract: z
    .strictObject({
      event_type: fieldSource(
        ['ce_type', 'ce-type', 'cloudEvents:type', 'cloudEvents_type', 'event_type', 'eventType'],
        ['/type', '/eventType', '/event_type'],
      ),
      source: fieldSource(
        ['ce_source', 'ce-source', 'cloudEvents:source', 'cloudEvents_source', 'source', 'producer'],
        ['/source', '/producer'],
      ),
      message_id: fieldSource(
        ['ce_id', 'ce-id', 'cloudEvents:id', 'cloudEvents_id', 'message_id', 'messageId'],
        ['/messageId', '/message_id'],
      ),
      correlation_id: fieldSource(
        ['ce_correlationid', 'correlation_id', 'correlationId', 'x-correlation-id'],
        ['/correlationid', '/correlation_id', '/correlationId', '/data/correlation_id', '/data/correlationId'],
      ),
      max_parse_bytes: z.number().int().min(0).default(1_048_576),
    })
    .prefault({}),
  writer: z
    .strictObject({
      batch_size: z.number().int().min(1).max(1_000_000).default(10_000),
      flush_interval: duration('1s'),
      max_retry_delay: duration('30s'),
    })
    .prefault({}),
  rules: z
    .strictObject({
      enabled: z.boolean().default(true),
      dir: z.string().min(1).default('./rules.d'),
      reload: duration('2s'),
    })
    .prefault({}),
  alerting: z
    .strictObject({
      /** Base of the links in notifications; defaults to the API's own address. */
      dashboard_url: httpUrl().optional(),
      /** Routes that hear about broken rule files. */
      config_routes: z.array(z.string().min(1)).default([]),
      routes: z
        .array(
          z
            .strictObject({
              name: z
                .string()
                .regex(/^[a-z0-9][a-z0-9._-]*$/, 'expected a route name of lowercase letters, digits, ".", "_" or "-"'),
              type: z.enum(['slack', 'webhook', 'alertmanager']),
              // Slack webhook URLs are secrets: prefer url_env, which names the environment variable holding it.
              url: httpUrl().optional(),
              url_env: envName.optional(),
              secret_env: envName.optional(),
              secret: z.string().optional(),
              headers: z.record(z.string(), z.string()).default({}),
              repeat_interval: duration('4h'),
              timeout: duration('10s'),
            })
            .refine((r) => r.url !== undefined || r.url_env !== undefined, {
              message: 'expected url or url_env',
              path: ['url'],
            }),
        )
        .default([])
        .refine((routes) => new Set(routes.map((r) => r.name)).size === routes.length, 'route names must be unique'),
    })
    .prefault({}),
  lag: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** How often every consumer group and queue is sampled. */
      interval: duration('10s'),
      /** How many samples a status is judged over, as in Burrow's evaluator. */
      window: z.number().int().min(2).max(1000).default(10),
      kafka: z
        .strictObject({
          groups: z
            .strictObject({ include: z.array(regex).default(['.*']), exclude: z.array(regex).default([]) })
            .prefault({}),
        })
        .prefault({}),
      rabbitmq: z
        .strictObject({
          queues: z
            .strictObject({ include: z.array(regex).default(['.*']), exclude: z.array(regex).default([]) })
            .prefault({}),
        })
        .prefault({}),
    })
    .prefault({}),
  api: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65_535).default(8787),
      /** Bearer tokens, stored as SHA-256 hex digests only (`rollcall token create` prints both halves). */
      tokens: z
        .array(
          z.strictObject({
            name: z.string().min(1),
            role: z.enum(['viewer', 'admin']),
            sha256: z
              .string()
              .regex(
                /^[0-9a-f]{64}$/,
                'expected the SHA-256 hex digest of the token (rollcall token create), never the token itself',
              ),
          }),
        )
        .default([])
        .refine(
          (tokens) => new Set(tokens.map((t) => t.sha256)).size === tokens.length,
          'the same token is listed twice',
        ),
      /** Origins allowed to call the API from a browser; empty means CORS is off. */
      cors_origins: z.array(z.string().min(1)).default([]),
      max_body_bytes: z
        .number()
        .int()
        .min(1024)
        .max(64 * 1_048_576)
        .default(1_048_576),
      /** The built dashboard; served at `/` when the folder exists. */
      web_dir: z.string().min(1).default('./apps/web/dist'),
      /** URL of the demo pilots' control endpoint, for the dashboard's "reproduce the incident" button. */
      pilots_url: httpUrl().optional(),
    })
    .prefault({})
    .superRefine((api, ctx) => {
      if (api.tokens.length === 0 && !isLoopback(api.host)) {
        ctx.addIssue({
          code: 'custom',
          path: ['host'],
          message: `refusing to listen on ${api.host} with no api.tokens: anyone who can reach it could acknowledge alerts and add silences. Add tokens (rollcall token create) or bind 127.0.0.1`,
        });
      }
    }),
  /** How much the taps keep per message, by stream (core/src/audit.ts): the first entry whose pattern matches wins. */
  audit: z
    .strictObject({
      default: z.enum(AUDIT_LEVELS).default('rows'),
      streams: z
        .array(
          z.strictObject({
            /** A regular expression over the topic or exchange name. */
            match: regex,
            broker: z.enum(['kafka', 'rabbitmq']).optional(),
            level: z.enum(AUDIT_LEVELS),
          }),
        )
        .default([]),
    })
    .prefault({}),
  metrics: z
    .strictObject({
      /** Streams with their own label values in /metrics, by traffic over the last hour; the rest are "other". */
      top_streams: z.number().int().min(1).max(1000).default(50),
    })
    .prefault({}),
});

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export type Config = z.output<typeof configSchema>;
export type ExtractConfig = Config['extract'];
export type FieldSource = ExtractConfig['event_type'];
export type AuditConfig = Config['audit'];
