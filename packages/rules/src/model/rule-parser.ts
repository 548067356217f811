// Reads and validates rule files on one long-lived worker thread (parse-worker.ts), so a large file never blocks
// the event loop. The worker starts on first use, does not keep the process alive, and is started again after a crash.
import { Worker } from 'node:worker_threads';
import type { Keeping } from '@rollcall/core/audit';
import type { Rule } from './rule.ts';

/** One file's outcome, as a value: it crosses from the parser thread as it is. */
export type Loaded = { rules: Rule[] } | { error: string };

export interface ParseRequest {
  id: number;
  path: string;
  audit?: Keeping | undefined;
}

export interface ParseReply {
  id: number;
  loaded: Loaded;
}

export interface RuleParser {
  /** The file's rules or its problem; rejects only when the parser itself failed. */
  parse(path: string, audit?: Keeping): Promise<Loaded>;
  close(): Promise<void>;
}

export function createWorkerParser(): RuleParser {
  let worker: Worker | undefined;
  let nextId = 0;
  const pending = new Map<number, { resolve: (loaded: Loaded) => void; reject: (err: Error) => void }>();

  const failAll = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    worker = undefined;
  };

  const started = (): Worker => {
    if (worker) return worker;
    const w = new Worker(new URL('./parse-worker.mjs', import.meta.url));
    w.unref();
    w.on('message', (reply: ParseReply) => {
      const p = pending.get(reply.id);
      pending.delete(reply.id);
      p?.resolve(reply.loaded);
    });
    w.on('error', (err) => failAll(err));
    w.on('exit', (code) => failAll(new Error(`the rule parser thread exited (${code})`)));
    worker = w;
    return w;
  };

  return {
    parse: (path, audit) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        started().postMessage({ id, path, audit } satisfies ParseRequest);
      }),
    async close() {
      const w = worker;
      worker = undefined;
      if (w) await w.terminate();
    },
  };
}
