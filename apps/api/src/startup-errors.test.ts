// Start-up failures through the real CLI: one or two lines naming the setting to change, exit code 2, and a
// stack trace only at log_level debug.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '@rollcall/core/testing/brokers';

const BIN = join(import.meta.dirname, '../bin/rollcall.js');
const STACK = /^\s+at /m;

function rollcall(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const dir = tempDir('rollcall-startup');
  const quiet = {
    ROLLCALL_DATA_DIR: join(dir, 'data'),
    ROLLCALL_RULES_DIR: join(dir, 'rules.d'),
    ROLLCALL_KAFKA_ENABLED: 'false',
    ROLLCALL_RABBITMQ_ENABLED: 'false',
    ROLLCALL_LAG_ENABLED: 'false',
    ROLLCALL_API_WEB_DIR: dir,
  };
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, ...quiet, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // The structured log (one JSON object a line, e.g. "store ready") is left out: the failure is what is told.
  const told = () =>
    stderr
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('{"t":'))
      .join('\n');
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr: told() })));
}

let holder: Server;
let port: number;
beforeAll(async () => {
  holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  port = (holder.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => holder.close(() => resolve())));

describe('rollcall start fails in one or two lines', () => {
  it('names the port and the setting when the port is in use', async () => {
    const { code, stderr } = await rollcall(['start'], { ROLLCALL_API_PORT: String(port) });
    expect(code).toBe(2);
    expect(stderr).toMatch(
      new RegExp(
        `^rollcall: port ${port} on 127\\.0\\.0\\.1 is already in use: set api\\.port \\(ROLLCALL_API_PORT\\)`,
      ),
    );
    expect(stderr.split('\n').length).toBeLessThanOrEqual(2);
    expect(stderr).not.toMatch(STACK);
  }, 60_000);

  it('prints the stack as well at log_level debug', async () => {
    const { code, stderr } = await rollcall(['start'], {
      ROLLCALL_API_PORT: String(port),
      ROLLCALL_LOG_LEVEL: 'debug',
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/already in use/);
    expect(stderr).toMatch(STACK);
  }, 60_000);

  it('names the env var and what is allowed for a ClickHouse URL that is not http(s)', async () => {
    const { code, stderr } = await rollcall(['start'], { ROLLCALL_CLICKHOUSE_URL: 'ftp://x' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/env ROLLCALL_CLICKHOUSE_URL: clickhouse\.url: expected an http:\/\/ or https:\/\/ URL/);
    expect(stderr.split('\n').length).toBeLessThanOrEqual(2);
    expect(stderr).not.toMatch(STACK);
  }, 60_000);

  it('names the file and line of an alias bomb in rollcall.yaml', async () => {
    const file = join(tempDir('rollcall-startup-config'), 'rollcall.yaml');
    const bomb = [
      'a: &a [x,x,x,x,x,x,x,x,x]',
      ...'bcdefghi'.split('').map(
        (k, i) =>
          `${k}: &${k} [${Array(9)
            .fill(`*${'abcdefgh'[i] ?? 'a'}`)
            .join(',')}]`,
      ),
    ].join('\n');
    writeFileSync(file, `${bomb}\n`);
    const { code, stderr } = await rollcall(['start', '--config', file], {});
    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`^rollcall: ${file.replace(/[.]/g, '\\.')}:2: invalid YAML: .*alias`));
    expect(stderr.split('\n').length).toBeLessThanOrEqual(2);
    expect(stderr).not.toMatch(STACK);
  }, 60_000);
});
