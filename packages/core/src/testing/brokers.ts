// Shared helpers for integration tests: which real brokers to use, a RabbitMQ vhost of a test's own, how to wait
// for the store to catch up, and how to run another application (the server, the pilots) as a child process.
// Test-only; nothing in the product imports this module.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface KafkaTarget {
  version: string;
  brokers: string[];
}

/** ROLLCALL_TEST_KAFKA="4.1=127.0.0.1:9092,3.9=127.0.0.1:9192": every Kafka version the tests run against. */
export function kafkaTargets(env: NodeJS.ProcessEnv = process.env): KafkaTarget[] {
  const spec = env.ROLLCALL_TEST_KAFKA ?? '4.1=127.0.0.1:9092';
  return spec.split(',').map((entry) => {
    const [version = '', broker = ''] = entry.split('=');
    return { version, brokers: [broker] };
  });
}

export const rabbitUrl = (env: NodeJS.ProcessEnv = process.env) =>
  env.ROLLCALL_TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

const rabbitmqctl = (...args: string[]) => promisify(execFile)('rabbitmqctl', ['-q', ...args]);

/** A RabbitMQ vhost of a test's own, with the firehose on and every permission for guest (through rabbitmqctl). */
export async function addTracedVhost(vhost: string): Promise<void> {
  await rabbitmqctl('add_vhost', vhost);
  await rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
  await rabbitmqctl('trace_on', '-p', vhost);
}

/** Deletes a vhost and, with it, every queue and exchange in it. */
export async function deleteVhost(vhost: string): Promise<void> {
  await rabbitmqctl('delete_vhost', vhost);
}

export const uniqueName = (prefix: string) =>
  `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;

export const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), `${prefix}-`));

/** Polls until check() returns true; fails with the last observed value so a miss says by how much. */
export async function waitUntil<T>(
  probe: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)}`);
}

/** Env for a platform under test: its own data dir and a free port, a Kafka tap group and RabbitMQ tap queue
 * named after the test (so parallel runs never share them), topics limited to the test's prefix, fast flushes. */
export function platformTestEnv(name: string, dir: string, kafka: KafkaTarget): Record<string, string> {
  return {
    ROLLCALL_DATA_DIR: join(dir, 'clickhouse'),
    ROLLCALL_API_PORT: '0',
    ROLLCALL_KAFKA_BROKERS: kafka.brokers.join(','),
    ROLLCALL_KAFKA_INCLUDE: `^${name}`,
    ROLLCALL_KAFKA_GROUP_ID: `${name}-tap`,
    ROLLCALL_KAFKA_START: 'earliest',
    ROLLCALL_KAFKA_METADATA_REFRESH: '1s',
    ROLLCALL_RABBITMQ_URL: rabbitUrl(),
    ROLLCALL_RABBITMQ_TAP_QUEUE: `${name}.tap`,
    ROLLCALL_WRITER_FLUSH_INTERVAL: '200ms',
  };
}

/** For startChildApp's `ready`: `field` of the JSON log line (core/src/log.ts) whose message is `msg`. */
export function logField(msg: string, field: string): (line: string) => string | undefined {
  return (line) => {
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      return entry.msg === msg && typeof entry[field] === 'string' ? entry[field] : undefined;
    } catch {
      return undefined;
    }
  };
}

export interface ChildApp<T> {
  /** What `ready` found in the child's output. */
  ready: T;
  /** The child's last output lines (stdout and stderr), for a failure message. */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`; resolves to its exit code (null when killed). */
  stop(graceMs?: number): Promise<number | null>;
}

/**
 * Runs `node ...args` (another application: `apps/api/bin/rollcall.js start`, `--import tsx apps/pilots/src/main.ts`)
 * with only PATH, HOME and `env` in its environment, and resolves once `ready` finds what it waits for in an
 * output line (its URL, say). Fails with the child's output when it exits or `timeoutMs` passes first.
 */
export function startChildApp<T>(
  args: string[],
  {
    env,
    cwd,
    ready,
    timeoutMs = 60_000,
    what,
  }: {
    env: Record<string, string>;
    cwd: string;
    ready: (line: string) => T | undefined;
    timeoutMs?: number;
    what: string;
  },
): Promise<ChildApp<T>> {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const output = () => lines.join('\n');
  const stop = async (graceMs = 15_000): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return new Promise((resolve, reject) => {
    let found = false;
    const fail = (why: string) => {
      if (found) return;
      found = true;
      clearTimeout(timer);
      void stop(0).then(() => reject(new Error(`${what} ${why}; its output:\n${output()}`)));
    };
    const timer = setTimeout(() => fail(`was not ready within ${timeoutMs} ms`), timeoutMs);
    const read = (chunk: Buffer, rest: { text: string }) => {
      const text = rest.text + chunk.toString();
      const parts = text.split('\n');
      rest.text = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (lines.length > 200) lines.shift();
        const value = found ? undefined : ready(line);
        if (value !== undefined) {
          found = true;
          clearTimeout(timer);
          resolve({ ready: value, output, stop });
        }
      }
    };
    const out = { text: '' };
    const err = { text: '' };
    child.stdout.on('data', (chunk: Buffer) => read(chunk, out));
    child.stderr.on('data', (chunk: Buffer) => read(chunk, err));
    child.once('error', (e) => fail(`could not start (${e.message})`));
    void exited.then((code) => fail(`exited with ${code} before it was ready`));
  });
}
