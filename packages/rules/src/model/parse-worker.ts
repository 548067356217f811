// The rule-file poller's parser, on a worker thread: yaml needs about a second for a file at the size cap, which
// on the main thread would hold /healthz and every API request for that long.
import { parentPort } from 'node:worker_threads';
import { loadRuleFile } from './files.ts';
import type { ParseReply, ParseRequest } from './rule-parser.ts';

parentPort?.on('message', ({ id, path, audit }: ParseRequest) => {
  parentPort?.postMessage({ id, loaded: loadRuleFile(path, audit) } satisfies ParseReply);
});
