// Start-up failures as an operator reads them: which setting to change, in a line or two, exit code 2. The stack
// is for us, not for them: it is printed only at log_level debug.
import type { Config } from '@rollcall/core/config/schema';

export class StartupError extends Error {
  override name = 'StartupError';
  constructor(
    message: string,
    /** Printed with its stack at log_level debug. */
    readonly reason: unknown,
    readonly debug: boolean,
  ) {
    super(message);
  }
}

interface SystemError {
  code?: unknown;
  syscall?: unknown;
  address?: unknown;
  port?: unknown;
}

const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'EHOSTUNREACH']);

/** What to change, for the failures an operator can fix; undefined for anything else. */
function advice(err: SystemError, config: Config): string | undefined {
  const where = `${config.api.host}:${config.api.port}`;
  if (err.syscall === 'listen' && err.code === 'EADDRINUSE')
    return `port ${config.api.port} on ${config.api.host} is already in use: set api.port (ROLLCALL_API_PORT) to a free port, or stop what listens there`;
  if (err.syscall === 'listen' && err.code === 'EACCES')
    return `no permission to listen on ${where}: set api.port (ROLLCALL_API_PORT) to 1024 or above`;
  if (err.syscall === 'listen' && (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND'))
    return `api.host ${config.api.host} is not an address of this machine: set api.host (ROLLCALL_API_HOST), e.g. 127.0.0.1`;
  if (config.clickhouse.url && typeof err.code === 'string' && CONNECT_FAILURES.has(err.code))
    return `ClickHouse at ${config.clickhouse.url} did not answer (${err.code}): check clickhouse.url (ROLLCALL_CLICKHOUSE_URL) and that the server is up`;
  return undefined;
}

export function startupError(err: unknown, config: Config): StartupError {
  const debug = config.log_level === 'debug';
  const known = typeof err === 'object' && err !== null ? advice(err as SystemError, config) : undefined;
  if (known) return new StartupError(known, err, debug);
  const message = err instanceof Error ? err.message : String(err);
  const hint = debug ? '' : '\n(set log_level: debug, or ROLLCALL_LOG_LEVEL=debug, for the stack trace)';
  return new StartupError(`could not start: ${message.split('\n')[0]}${hint}`, err, debug);
}
