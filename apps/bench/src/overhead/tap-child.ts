// Starts and stops tap-process.ts: a Rollcall tap with its own embedded store, in its own process.
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { fileURLToPath } from 'node:url';

export type ChildMessage = { type: 'ready' } | { type: 'stopped'; rows: number } | { type: 'failed'; error: string };

export interface TapChild {
  /** Stops the tap after it stored what it holds; resolves with the rows it stored. */
  stop(): Promise<number>;
}

const START_TIMEOUT_MS = 60_000;
const MAX_LOG_LINES = 5;

/** Lines out of a byte stream. */
function split(): Transform {
  let rest = '';
  return new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _enc, done) {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line) this.push(line);
      done();
    },
    flush(done) {
      if (rest) this.push(rest);
      done();
    },
  });
}
const STOP_TIMEOUT_MS = 120_000;

/** `config` is a rollcall.yaml document (JSON is YAML); it is written into `dir`, which also holds the store. */
export async function startTapChild(kind: 'kafka' | 'rabbitmq', config: object, dir: string): Promise<TapChild> {
  const file = join(dir, 'rollcall.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  const entry = fileURLToPath(new URL('./tap-process.ts', import.meta.url));
  // The sources are TypeScript: the child loads them through tsx, like bin/rollcall.js does.
  const child = fork(entry, [kind, file], {
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  // A tap that hits trouble under load can log one line per message: pass the first few on, count the rest.
  let logged = 0;
  child.stderr?.pipe(split()).on('data', (line: string) => {
    if (++logged <= MAX_LOG_LINES) process.stderr.write(`[${kind} tap] ${line}\n`);
  });
  child.once('exit', () => {
    if (logged > MAX_LOG_LINES) process.stderr.write(`[${kind} tap] … and ${logged - MAX_LOG_LINES} more log lines\n`);
  });
  const next = (timeoutMs: number) =>
    new Promise<ChildMessage>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the ${kind} tap process did not answer within ${timeoutMs / 1000}s`)),
        timeoutMs,
      );
      const onExit = (code: number | null) => {
        clearTimeout(timer);
        reject(new Error(`the ${kind} tap process exited with ${code}`));
      };
      child.once('message', (m: ChildMessage) => {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve(m);
      });
      child.once('exit', onExit);
    });
  const started = await next(START_TIMEOUT_MS).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  if (started.type !== 'ready') {
    child.kill('SIGKILL');
    throw new Error(`the ${kind} tap did not start: ${started.type === 'failed' ? started.error : started.type}`);
  }
  return {
    async stop() {
      const stopped = next(STOP_TIMEOUT_MS);
      child.send('stop');
      try {
        const m = await stopped;
        if (m.type !== 'stopped')
          throw new Error(`the ${kind} tap failed while stopping: ${m.type === 'failed' ? m.error : m.type}`);
        return m.rows;
      } finally {
        const exited =
          child.exitCode !== null ||
          (await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(false), 5000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve(true);
            });
          }));
        if (!exited) child.kill('SIGKILL');
      }
    },
  };
}
