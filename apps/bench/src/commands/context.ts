// What every `rollcall bench` subcommand shares: output, config, the store and the error type the CLI maps.
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@rollcall/core/config';
import type { Config } from '@rollcall/core/config/schema';
import type { Logger } from '@rollcall/core/log';
import { openStore, StoreLockedError, type Store } from '@rollcall/core/store';
import type { ConnectionDefaults } from '../load/options.ts';

export interface BenchCliDeps {
  env?: NodeJS.ProcessEnv;
  out?: (line: string) => void;
  err?: (line: string) => void;
  log?: Logger;
  /** A store the caller already opened (chDB allows one per process); otherwise opened from --store or config. */
  store?: Store;
  /** Where results go when --results is not given; bench/results/ by default. */
  resultsDir?: string;
}

export interface Context {
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  err: (line: string) => void;
  log: Logger;
  store?: Store;
  resultsDir: string;
}

/** A user-facing failure: printed as `rollcall bench: message`, exit code 2. */
export class BenchCliError extends Error {
  override name = 'BenchCliError';
}

export const DEFAULT_RESULTS_DIR = fileURLToPath(new URL('../../results/', import.meta.url));

/** The value of --name in argv, read before the full parse because the defaults of other flags depend on it. */
export function flagValue(argv: string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === `--${name}`) return argv[i + 1];
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}

export function configFor(argv: string[], env: NodeJS.ProcessEnv): Config {
  const file = flagValue(argv, 'config');
  return loadConfig(file !== undefined ? { file, env } : { env });
}

export function connectionDefaults(config: Config): ConnectionDefaults {
  return {
    kafkaBrokers: config.kafka.brokers,
    rabbitUrl: config.rabbitmq.url,
    managementUrl: config.rabbitmq.management_url,
  };
}

/** --store DIR is an embedded store, --store http(s)://… a ClickHouse server; without it, the config's store. */
export function storeConfig(config: Config, store: string | undefined): Config['clickhouse'] {
  if (store === undefined) return config.clickhouse;
  if (/^https?:\/\//.test(store)) return { ...config.clickhouse, url: store };
  return { ...config.clickhouse, url: undefined, data_dir: store };
}

/** Runs `use` with the caller's store or one opened for it (and closed after). */
export async function withStore<T>(
  ctx: Context,
  cfg: Config['clickhouse'],
  use: (store: Store) => Promise<T>,
): Promise<T> {
  if (ctx.store) return use(ctx.store);
  let store: Store;
  try {
    store = await openStore(cfg);
  } catch (err) {
    if (err instanceof StoreLockedError) {
      throw new BenchCliError(
        `${err.message}. chDB lets one process open a data path, and benchmark runs are written to the store: stop \`rollcall start\`, ` +
          'or give the benchmark a store of its own with --store DIR, or point clickhouse.url (ROLLCALL_CLICKHOUSE_URL) at a ClickHouse server both can share.',
      );
    }
    throw err;
  }
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}
