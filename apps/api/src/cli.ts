// The `rollcall` command. Read commands go through the running process's HTTP API when one answers
// (chDB lets only one process open the embedded store), and open the store themselves otherwise.
import { keepingOf } from '@rollcall/core/audit';
import { spawn } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '@rollcall/core/config';
import type { Config } from '@rollcall/core/config/schema';
import { createLogger } from '@rollcall/core/log';
import { openStore, StoreLockedError } from '@rollcall/core/store';
import { createApp } from './app.ts';
import { createToken } from './auth.ts';
import { startPlatform, type Platform } from './platform.ts';
import { backtestRule, checkRules, parseTime, RulesCliError } from './rules-cli.ts';
import { startupError, StartupError } from './startup-errors.ts';
import { formatTable } from './table.ts';

const USAGE = `usage:
  rollcall start [--config FILE]
  rollcall streams [--since 1h] [--json]
  rollcall count --broker kafka|rabbitmq --stream NAME [--event-type T] [--kind publish|deliver] [--since 10m] [--json]
  rollcall rules check [DIR]
  rollcall rules backtest RULE_ID [--from 7d|ISO] [--to ISO] [--dir DIR]   (with Rollcall stopped, on the embedded store)
  rollcall token create --name NAME [--role viewer|admin]   (prints a new API token and its api.tokens entry)
  rollcall bench [run|list|show|baseline|overhead] …        benchmarks of Kafka and RabbitMQ (rollcall bench --help)`;

type Fetch = (path: string) => Promise<Response>;

/** A fetch against the running API, or an in-process app over a store this command opens itself. */
async function reader(config: Config): Promise<{ fetch: Fetch; close: () => Promise<void> }> {
  const base = `http://${config.api.host}:${config.api.port}`;
  try {
    const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1500) });
    if (res.ok) return { fetch: (path) => fetch(base + path), close: async () => {} };
  } catch {
    // nothing running: open the store below
  }
  const store = await openStore(config.clickhouse);
  const app = createApp({ config, store, log: createLogger('error') });
  return { fetch: async (path) => app.request(path), close: () => store.close() };
}

async function getJson<T>(fetch: Fetch, path: string): Promise<T> {
  const res = await fetch(path);
  const body = (await res.json()) as T & { detail?: string };
  if (!res.ok) throw new CliError(body.detail ?? `request failed with ${res.status}`);
  return body;
}

class CliError extends Error {}

// `bench` is the load generator in apps/bench, an application of its own with its own flags and subcommands:
// run its bin as a child with this terminal, so the API never loads it.
const BENCH_BIN = fileURLToPath(new URL('../../bench/bin/bench.js', import.meta.url));

function runBench(argv: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BENCH_BIN, ...argv], { stdio: 'inherit' });
    child.once('error', reject);
    // Ctrl-C reaches the child from the terminal as well: it decides how to stop, and this process waits for its
    // exit code. A SIGTERM (docker stop, kill) is for this process alone, so it is passed on.
    const ignore = () => {};
    const forward = () => child.kill('SIGTERM');
    process.on('SIGINT', ignore);
    process.on('SIGTERM', forward);
    child.once('exit', (code, signal) => {
      process.off('SIGINT', ignore);
      process.off('SIGTERM', forward);
      resolve(code ?? 128 + (signal ? (osConstants.signals[signal] ?? 0) : 0));
    });
  });
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'bench') return runBench(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      since: { type: 'string' },
      broker: { type: 'string' },
      stream: { type: 'string' },
      'event-type': { type: 'string' },
      kind: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      dir: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE + '\n');
    return command || values.help ? 0 : 2;
  }
  const config = loadConfig(values.config !== undefined ? { file: values.config } : {});

  if (command === 'start') {
    const log = createLogger(config.log_level);
    let platform: Platform;
    try {
      platform = await startPlatform(config, log);
    } catch (err) {
      // These already say what to change.
      if (err instanceof StoreLockedError || err instanceof ConfigError) throw err;
      throw startupError(err, config);
    }
    process.stdout.write(`Rollcall is running: ${platform.url}\n`);
    await new Promise<void>((resolve) => {
      const shutdown = () => resolve();
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
    log.info('shutting down');
    const clean = await platform.stop();
    // A client library that never lets go (a crashed consumer's timers) must not keep the process alive.
    process.exit(clean ? 0 : 1);
  }

  if (command === 'rules') {
    const [, sub, arg] = positionals;
    const out = (line: string) => process.stdout.write(line + '\n');
    if (sub === 'check') return checkRules(arg ?? config.rules.dir, out, keepingOf(config));
    if (sub === 'backtest' && arg) {
      const now = Date.now();
      return backtestRule(
        config,
        values.dir ?? config.rules.dir,
        arg,
        parseTime(values.from ?? '1d', now, 'from'),
        parseTime(values.to, now, 'to'),
        out,
      );
    }
    throw new CliError(`expected "rules check [DIR]" or "rules backtest RULE_ID"`);
  }

  if (command === 'token') {
    const [, sub] = positionals;
    const role = values.role ?? 'viewer';
    if (sub !== 'create' || !values.name)
      throw new CliError('expected "token create --name NAME [--role viewer|admin]"');
    if (role !== 'viewer' && role !== 'admin') throw new CliError(`--role: expected viewer or admin, got "${role}"`);
    const { token, entry } = createToken(values.name, role);
    process.stdout.write(
      `token (give it to the caller; it is not stored anywhere):\n  ${token}\n\nadd to rollcall.yaml under api.tokens:\n  - { name: ${entry.name}, role: ${entry.role}, sha256: ${entry.sha256} }\n`,
    );
    return 0;
  }

  const params = new URLSearchParams();
  if (command === 'streams') {
    if (values.since) params.set('range', values.since);
    const { fetch, close } = await reader(config);
    try {
      const { streams } = await getJson<{
        streams: {
          broker: string;
          stream: string;
          event_types: string[];
          count: number;
          msg_per_sec: number;
          last_seen: string;
        }[];
      }>(fetch, `/api/v1/streams?${params}`);
      if (values.json) process.stdout.write(JSON.stringify(streams, null, 2) + '\n');
      else
        process.stdout.write(
          formatTable(
            ['BROKER', 'STREAM', 'EVENT TYPES', 'COUNT', 'MSG/S', 'LAST SEEN'],
            streams.map((s) => [
              s.broker,
              s.stream,
              s.event_types.filter(Boolean).join(',') || '-',
              String(s.count),
              s.msg_per_sec.toFixed(2),
              s.last_seen,
            ]),
          ),
        );
      return 0;
    } finally {
      await close();
    }
  }

  if (command === 'count') {
    if (values.since) params.set('since', values.since);
    for (const [flag, value] of [
      ['broker', values.broker],
      ['stream', values.stream],
      ['event-type', values['event-type']],
      ['kind', values.kind],
    ] as const) {
      if (value !== undefined) params.set(flag.replace('-', '_'), value);
    }
    const { fetch, close } = await reader(config);
    try {
      const detail = await getJson<{ count: number }>(fetch, `/api/v1/count?${params}`);
      process.stdout.write(values.json ? JSON.stringify(detail, null, 2) + '\n' : `${detail.count}\n`);
      return 0;
    } finally {
      await close();
    }
  }

  process.stderr.write(`unknown command "${command}"\n${USAGE}\n`);
  return 2;
}

export async function run(argv: string[]): Promise<void> {
  try {
    process.exitCode = await main(argv);
  } catch (err) {
    if (err instanceof StartupError) {
      process.stderr.write(`rollcall: ${err.message}\n`);
      if (err.debug && err.reason instanceof Error) process.stderr.write(`${err.reason.stack ?? ''}\n`);
      // Whatever started before the failure (the store, timers) would keep the process alive.
      process.exit(2);
    }
    if (
      err instanceof ConfigError ||
      err instanceof CliError ||
      err instanceof StoreLockedError ||
      err instanceof RulesCliError
    ) {
      process.stderr.write(`rollcall: ${err.message}\n`);
      process.exitCode = 2;
    } else if (err instanceof TypeError && (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`rollcall: ${err.message}\n${USAGE}\n`);
      process.exitCode = 2;
    } else throw err;
  }
}
