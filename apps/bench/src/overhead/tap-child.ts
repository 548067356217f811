// Starts and stops tap-process.ts: a Rollcall tap with its own embedded store, in its own process.
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { QueueTally } from './tally.ts';

export interface TapProgress {
  /** Rows stored since the tap started. */
  rows: number;
  /** Rows received and not stored yet. */
  backlog: number;
  /** CPU of the tap's process (user + system, all threads) since it started, in µs. */
  cpuMicros: number;
  /** Asked with a queue prefix: what the store holds of those queues. */
  queues?: QueueTally;
}

export interface ProgressRequest {
  queuePrefix?: string;
  /** Run a delivery-counting round first (rabbitmq.trace: publish), as the counter's next one would. */
  countDeliveries?: boolean;
}

export type ParentMessage = ({ type: 'progress' } & ProgressRequest) | { type: 'stop'; queuePrefix?: string };

export type ChildMessage =
  { type: 'ready' } | ({ type: 'progress' | 'stopped' } & TapProgress) | { type: 'failed'; error: string };

export interface TapChild {
  progress(request?: ProgressRequest): Promise<TapProgress>;
  /** Stops the tap after it stored what it holds; resolves with what it stored (of the queues, given a prefix). */
  stop(queuePrefix?: string): Promise<TapProgress>;
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
/** A progress answer is a few counters and one small query; a counting round adds a few management API calls. */
const PROGRESS_TIMEOUT_MS = 30_000;

/** `config` is a rollcall.yaml document (JSON is YAML); it is written into `dir`, which also holds the store. */
export async function startTapChild(kind: 'kafka' | 'rabbitmq', config: object, dir: string): Promise<TapChild> {
  mkdirSync(dir, { recursive: true });
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
  /** Sends one request and reads its answer: the child answers requests in order, one at a time. */
  const ask = async (request: ParentMessage, answer: 'progress' | 'stopped', timeoutMs: number) => {
    const reply = next(timeoutMs);
    child.send(request);
    const m = await reply;
    if (m.type === 'ready' || m.type === 'failed' || m.type !== answer)
      throw new Error(`the ${kind} tap failed answering ${request.type}: ${m.type === 'failed' ? m.error : m.type}`);
    const { rows, backlog, cpuMicros, queues } = m;
    return { rows, backlog, cpuMicros, queues };
  };
  return {
    progress: (request = {}) => ask({ type: 'progress', ...request }, 'progress', PROGRESS_TIMEOUT_MS),
    async stop(queuePrefix) {
      try {
        return await ask({ type: 'stop', queuePrefix }, 'stopped', STOP_TIMEOUT_MS);
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
