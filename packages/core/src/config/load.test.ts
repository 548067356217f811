import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from './load.ts';

const FILE = '/etc/rollcall/rollcall.yaml';

/** Parses and returns the ConfigError message; fails the test if parsing succeeds or throws something else. */
function configError(text: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    parseConfig(text, FILE, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err instanceof Error ? err.message : String(err);
  }
  throw new Error('expected parseConfig to throw a ConfigError');
}

const yaml = (...lines: string[]) => lines.join('\n') + '\n';

describe('parseConfig defaults', () => {
  it('needs no file: every field has a working default', () => {
    const cfg = parseConfig('', 'x.yaml', {});
    expect(cfg.log_level).toBe('info');
    expect(cfg.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(cfg.kafka.start).toBe('latest');
    expect(cfg.kafka.metadata_refresh).toBe(10_000);
    expect(cfg.clickhouse.url).toBeUndefined();
    expect(cfg.clickhouse.data_dir).toBe('./data/clickhouse');
    expect(cfg.clickhouse.database).toBe('rollcall');
    expect(cfg.rabbitmq.url).toBe('amqp://guest:guest@127.0.0.1:5672');
    expect(cfg.rabbitmq.vhosts).toEqual(['/']);
    expect(cfg.writer.flush_interval).toBe(1000);
    expect(cfg.writer.max_retry_delay).toBe(30_000);
    expect(cfg.extract.max_parse_bytes).toBe(1_048_576);
    expect(cfg.api).toMatchObject({ host: '127.0.0.1', port: 8787, tokens: [], cors_origins: [] });
  });

  it('treats a file of only comments like no file', () => {
    expect(parseConfig('# nothing here\n', FILE, {})).toEqual(parseConfig('', FILE, {}));
  });
});

describe('parseConfig with a file', () => {
  const file = yaml(
    'log_level: debug',
    'kafka:',
    '  brokers:',
    '    - k1:9092',
    '    - k2:9093',
    '  start: earliest',
    '  metadata_refresh: 2m',
    'clickhouse:',
    '  url: http://ch:8123',
    '  data_dir: /var/lib/rollcall',
    'writer:',
    '  flush_interval: 250ms',
    'api:',
    '  port: 9000',
  );

  it('overrides defaults with the values the file gives and keeps defaults for the rest', () => {
    const cfg = parseConfig(file, FILE, {});
    expect(cfg.log_level).toBe('debug');
    expect(cfg.kafka.brokers).toEqual(['k1:9092', 'k2:9093']);
    expect(cfg.kafka.start).toBe('earliest');
    expect(cfg.kafka.group_id).toBe('rollcall-tap');
    expect(cfg.clickhouse.url).toBe('http://ch:8123');
    expect(cfg.clickhouse.data_dir).toBe('/var/lib/rollcall');
    expect(cfg.api).toMatchObject({ host: '127.0.0.1', port: 9000 });
  });

  it('refuses a non-loopback api.host with no tokens, naming the field', () => {
    const message = configError(yaml('api:', '  host: 0.0.0.0'));
    expect(message).toMatch(/api\.host/);
    expect(message).toMatch(/refusing to listen on 0\.0\.0\.0 with no api\.tokens/);
    const withToken = parseConfig(
      yaml('api:', '  host: 0.0.0.0', '  tokens:', '    - { name: ops, role: admin, sha256: ' + 'a'.repeat(64) + ' }'),
      FILE,
      {},
    );
    expect(withToken.api.host).toBe('0.0.0.0');
  });

  it('refuses a token written in clear instead of its digest', () => {
    expect(configError(yaml('api:', '  tokens:', '    - { name: ops, role: admin, sha256: my-secret-token }'))).toMatch(
      /api\.tokens\.0\.sha256.*SHA-256 hex digest/,
    );
  });

  it('parses durations to milliseconds', () => {
    const cfg = parseConfig(file, FILE, {});
    expect(cfg.kafka.metadata_refresh).toBe(120_000);
    expect(cfg.writer.flush_interval).toBe(250);
    expect(parseConfig(yaml('writer:', '  max_retry_delay: 1h'), FILE, {}).writer.max_retry_delay).toBe(3_600_000);
    expect(parseConfig(yaml('kafka:', '  metadata_refresh: 1.5s'), FILE, {}).kafka.metadata_refresh).toBe(1500);
  });

  it('lets environment variables win over the file', () => {
    const cfg = parseConfig(file, FILE, {
      ROLLCALL_KAFKA_BROKERS: 'a:1, b:2',
      ROLLCALL_CLICKHOUSE_URL: 'http://env-ch:8123',
      ROLLCALL_DATA_DIR: '/env/data',
      ROLLCALL_API_PORT: '7000',
      ROLLCALL_KAFKA_METADATA_REFRESH: '30s',
    });
    expect(cfg.kafka.brokers).toEqual(['a:1', 'b:2']);
    expect(cfg.clickhouse.url).toBe('http://env-ch:8123');
    expect(cfg.clickhouse.data_dir).toBe('/env/data');
    expect(cfg.api.port).toBe(7000);
    expect(cfg.kafka.metadata_refresh).toBe(30_000);
    // Fields in the same sections that env does not touch keep the file's values.
    expect(cfg.kafka.start).toBe('earliest');
    expect(cfg.api.host).toBe('127.0.0.1');
  });

  it('applies environment variables when there is no file', () => {
    const cfg = parseConfig('', '(no config file)', {
      ROLLCALL_KAFKA_BROKERS: 'a:1,b:2',
      ROLLCALL_KAFKA_ENABLED: 'false',
    });
    expect(cfg.kafka.brokers).toEqual(['a:1', 'b:2']);
    expect(cfg.kafka.enabled).toBe(false);
  });
});

describe('parseConfig errors name the file, field, line and what was expected', () => {
  it('invalid YAML syntax: line and column of the problem', () => {
    const message = configError(yaml('log_level: info', 'api:', '  port: 9000: 1', 'kafka:', '  start: latest'));
    expect(message).toBe(`${FILE}:3:9: invalid YAML: Nested mappings are not allowed in compact mappings`);
  });

  it('invalid YAML: tab indentation', () => {
    const message = configError(yaml('log_level: info', 'api:', '\tport: 9000', 'kafka:', '  start: latest'));
    expect(message).toMatch(new RegExp(`^${FILE}:3:\\d+: invalid YAML: Tabs are not allowed`));
  });

  it('invalid YAML: duplicate key names the line of the second one', () => {
    const message = configError(yaml('log_level: info', 'api:', '  host: a', '  host: b', 'kafka:', '  start: latest'));
    expect(message).toMatch(new RegExp(`^${FILE}:4:\\d+: invalid YAML: Map keys must be unique`));
  });

  it('invalid YAML: an unclosed flow sequence is reported where the parser gives up', () => {
    // The YAML parser only knows the sequence is broken when the next block key (line 6) arrives.
    const message = configError(
      yaml('log_level: info', 'api:', '  port: 9000', 'kafka:', '  brokers: [a:1', 'writer:', '  batch_size: 5'),
    );
    expect(message).toMatch(new RegExp(`^${FILE}:6:\\d+: invalid YAML: Flow sequence .* end with a \\]`));
  });

  it('unknown field (typo) in a flow mapping: dotted path and its line', () => {
    const message = configError(yaml('log_level: info', 'api:', '  port: 9000', 'kafka: { brokr: [a:1] }'));
    expect(message).toContain(`${FILE}:4: kafka.brokr: unknown field`);
  });

  it('unknown field (typo) in a block mapping: the line of the key itself', () => {
    const message = configError(yaml('kafka:', '  cluster: prod', '  brokr:', '    - a:1', '  start: latest'));
    expect(message).toContain(`${FILE}:3: kafka.brokr: unknown field`);
  });

  it('unknown top-level section', () => {
    const message = configError(yaml('log_level: info', 'kafak:', '  brokers: [a:1]'));
    expect(message).toContain(`${FILE}:2: kafak: unknown field`);
  });

  it('wrong type', () => {
    const message = configError(yaml('log_level: info', '', 'api:', '  host: 0.0.0.0', '  port: "abc"'));
    expect(message).toContain(`${FILE}:5: api.port: `);
    expect(message).toMatch(/api\.port: .*expected number, received string/);
  });

  it('port out of range', () => {
    const message = configError(yaml('api:', '  host: 0.0.0.0', '  port: 70000'));
    expect(message).toContain(`${FILE}:3: api.port: `);
    expect(message).toMatch(/api\.port: .*<=65535/);
  });

  it('bad enum value', () => {
    const message = configError(yaml('kafka:', '  cluster: prod', '  start: middle'));
    expect(message).toContain(`${FILE}:3: kafka.start: `);
    expect(message).toMatch(/kafka\.start: .*"latest".*"earliest"/);
  });

  it('bad duration', () => {
    const message = configError(yaml('kafka:', '  cluster: prod', '', '  metadata_refresh: soon'));
    expect(message).toContain(
      `${FILE}:4: kafka.metadata_refresh: expected a duration such as 500ms, 10s, 5m, 1h or 7d, got "soon"`,
    );
  });

  it('invalid regular expression in kafka.include', () => {
    const message = configError(yaml('kafka:', '  include:', '    - ^orders', '    - "(unclosed"'));
    expect(message).toContain(`${FILE}:4: kafka.include.1: expected a regular expression`);
    expect(message).toContain('(unclosed');
  });

  it('bad host:port in kafka.brokers', () => {
    const message = configError(yaml('kafka:', '  brokers:', '    - good:9092', '    - nohost'));
    expect(message).toContain(`${FILE}:4: kafka.brokers.1: expected host:port`);
  });

  it('reports every problem, not just the first', () => {
    const message = configError(yaml('kafka:', '  start: middle', 'api:', '  port: -1'));
    expect(message).toContain(`${FILE}:2: kafka.start: `);
    expect(message).toContain(`${FILE}:4: api.port: `);
  });

  it('bad environment value names the env var and the field, not the file', () => {
    const message = configError(yaml('api:', '  port: 9000'), { ROLLCALL_API_PORT: 'notanumber' });
    expect(message).toContain('env ROLLCALL_API_PORT: api.port: ');
    expect(message).toMatch(/api\.port: .*expected number/);
    expect(message).not.toContain(FILE);
  });

  it('bad environment list entry names the env var and the field', () => {
    const message = configError('', { ROLLCALL_KAFKA_BROKERS: 'a:1,nohost' });
    expect(message).toContain('env ROLLCALL_KAFKA_BROKERS: kafka.brokers.1: expected host:port');
  });

  it('a top level that is a list is not a mapping', () => {
    const message = configError(yaml('- kafka', '- api'));
    expect(message).toBe(`${FILE}:1: expected a mapping of settings at the top level`);
  });

  it('a top level that is a scalar is not a mapping', () => {
    const message = configError(yaml('just some text'));
    expect(message).toBe(`${FILE}:1: expected a mapping of settings at the top level`);
  });
});

describe('loadConfig', () => {
  it('names the path of a config file that does not exist', () => {
    expect(() => loadConfig({ file: '/nonexistent.yaml', env: {} })).toThrow(ConfigError);
    expect(() => loadConfig({ file: '/nonexistent.yaml', env: {} })).toThrow('/nonexistent.yaml');
  });

  it('reads the file it is given and layers env on top', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rollcall-config-'));
    const path = join(dir, 'rollcall.yaml');
    writeFileSync(path, yaml('api:', '  port: 9100', 'kafka:', '  start: earliest'));
    const cfg = loadConfig({ file: path, env: { ROLLCALL_API_PORT: '9200' } });
    expect(cfg.api.port).toBe(9200);
    expect(cfg.kafka.start).toBe('earliest');
  });

  it('uses ROLLCALL_CONFIG when no file is passed, and names that file in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rollcall-config-'));
    const path = join(dir, 'from-env.yaml');
    writeFileSync(path, yaml('log_level: info', 'api:', '  port: banana'));
    expect(() => loadConfig({ env: { ROLLCALL_CONFIG: path } })).toThrow(`${path}:3: api.port: `);
  });
});

describe('hostile YAML', () => {
  it('names the file and line of an alias bomb instead of expanding it', () => {
    const bomb = yaml(
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`),
    );
    const message = configError(bomb);
    expect(message).toMatch(/^\/etc\/rollcall\/rollcall\.yaml:2: invalid YAML: .*alias/);
  });
});
