// Environment overrides: ROLLCALL_<SECTION>_<FIELD>. Lists are comma-separated; numbers and booleans are parsed.
type Kind = 'string' | 'number' | 'boolean' | 'list';
interface EnvField {
  env: string;
  path: [string, string] | [string];
  kind: Kind;
}

const field = (env: string, path: [string, string] | [string], kind: Kind = 'string'): EnvField => ({
  env,
  path,
  kind,
});

export const ENV_FIELDS: EnvField[] = [
  field('ROLLCALL_LOG_LEVEL', ['log_level']),
  field('ROLLCALL_SHUTDOWN_TIMEOUT', ['shutdown_timeout']),
  field('ROLLCALL_CLICKHOUSE_URL', ['clickhouse', 'url']),
  field('ROLLCALL_CLICKHOUSE_USER', ['clickhouse', 'user']),
  field('ROLLCALL_CLICKHOUSE_PASSWORD', ['clickhouse', 'password']),
  field('ROLLCALL_CLICKHOUSE_DATABASE', ['clickhouse', 'database']),
  field('ROLLCALL_DATA_DIR', ['clickhouse', 'data_dir']),
  field('ROLLCALL_TTL_DAYS', ['clickhouse', 'ttl_days'], 'number'),
  field('ROLLCALL_KAFKA_ENABLED', ['kafka', 'enabled'], 'boolean'),
  field('ROLLCALL_KAFKA_CLUSTER', ['kafka', 'cluster']),
  field('ROLLCALL_KAFKA_BROKERS', ['kafka', 'brokers'], 'list'),
  field('ROLLCALL_KAFKA_GROUP_ID', ['kafka', 'group_id']),
  field('ROLLCALL_KAFKA_INCLUDE', ['kafka', 'include'], 'list'),
  field('ROLLCALL_KAFKA_EXCLUDE', ['kafka', 'exclude'], 'list'),
  field('ROLLCALL_KAFKA_START', ['kafka', 'start']),
  field('ROLLCALL_KAFKA_METADATA_REFRESH', ['kafka', 'metadata_refresh']),
  field('ROLLCALL_KAFKA_SESSION_TIMEOUT', ['kafka', 'session_timeout']),
  field('ROLLCALL_KAFKA_SSL', ['kafka', 'ssl'], 'boolean'),
  field('ROLLCALL_RABBITMQ_ENABLED', ['rabbitmq', 'enabled'], 'boolean'),
  field('ROLLCALL_RABBITMQ_CLUSTER', ['rabbitmq', 'cluster']),
  field('ROLLCALL_RABBITMQ_URL', ['rabbitmq', 'url']),
  field('ROLLCALL_RABBITMQ_VHOSTS', ['rabbitmq', 'vhosts'], 'list'),
  field('ROLLCALL_RABBITMQ_MANAGEMENT_URL', ['rabbitmq', 'management_url']),
  field('ROLLCALL_RABBITMQ_TAP_QUEUE', ['rabbitmq', 'tap_queue']),
  field('ROLLCALL_RABBITMQ_MAX_LENGTH', ['rabbitmq', 'max_length'], 'number'),
  field('ROLLCALL_RABBITMQ_OVERFLOW', ['rabbitmq', 'overflow']),
  field('ROLLCALL_RABBITMQ_PREFETCH', ['rabbitmq', 'prefetch'], 'number'),
  field('ROLLCALL_RABBITMQ_TRACE', ['rabbitmq', 'trace']),
  field('ROLLCALL_WRITER_BATCH_SIZE', ['writer', 'batch_size'], 'number'),
  field('ROLLCALL_WRITER_FLUSH_INTERVAL', ['writer', 'flush_interval']),
  field('ROLLCALL_RULES_ENABLED', ['rules', 'enabled'], 'boolean'),
  field('ROLLCALL_RULES_DIR', ['rules', 'dir']),
  field('ROLLCALL_RULES_RELOAD', ['rules', 'reload']),
  field('ROLLCALL_ALERTING_DASHBOARD_URL', ['alerting', 'dashboard_url']),
  field('ROLLCALL_LAG_ENABLED', ['lag', 'enabled'], 'boolean'),
  field('ROLLCALL_LAG_INTERVAL', ['lag', 'interval']),
  field('ROLLCALL_LAG_WINDOW', ['lag', 'window'], 'number'),
  field('ROLLCALL_API_HOST', ['api', 'host']),
  field('ROLLCALL_API_PORT', ['api', 'port'], 'number'),
  field('ROLLCALL_API_CORS_ORIGINS', ['api', 'cors_origins'], 'list'),
  field('ROLLCALL_API_WEB_DIR', ['api', 'web_dir']),
  field('ROLLCALL_API_PILOTS_URL', ['api', 'pilots_url']),
  field('ROLLCALL_AUDIT_DEFAULT', ['audit', 'default']),
  field('ROLLCALL_METRICS_TOP_STREAMS', ['metrics', 'top_streams'], 'number'),
];

function parseValue(raw: string, kind: Kind): unknown {
  switch (kind) {
    case 'number':
      return raw.trim() === '' ? raw : Number(raw); // NaN and '' fail validation with the field named
    case 'boolean':
      return raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' ? false : raw;
    case 'list':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
    case 'string':
      return raw;
  }
}

// Secrets that sit deeper than section.field; set only when the section exists in the file.
const NESTED_SECRETS: { env: string; path: [string, string, string] }[] = [
  { env: 'ROLLCALL_KAFKA_SASL_PASSWORD', path: ['kafka', 'sasl', 'password'] },
];

/** Layers env values over the parsed file; returns the merged document and which env var set each path. */
export function applyEnv(
  doc: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): { doc: Record<string, unknown>; origins: Map<string, string> } {
  const merged: Record<string, unknown> = structuredClone(doc);
  const origins = new Map<string, string>();
  for (const f of ENV_FIELDS) {
    const raw = env[f.env];
    if (raw === undefined) continue;
    const [section, key] = f.path;
    const value = parseValue(raw, f.kind);
    if (key === undefined) merged[section] = value;
    else {
      const current = merged[section];
      const target =
        current && typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, unknown>) : {};
      target[key] = value;
      merged[section] = target;
    }
    origins.set(f.path.join('.'), f.env);
  }
  for (const { env: name, path } of NESTED_SECRETS) {
    const raw = env[name];
    const [section, child, key] = path;
    const parent = (merged[section] as Record<string, unknown> | undefined)?.[child];
    if (raw === undefined || !parent || typeof parent !== 'object') continue;
    (parent as Record<string, unknown>)[key] = raw;
  }
  return { doc: merged, origins };
}
