// Worker entry for parse-worker.ts. Rollcall runs its TypeScript through tsx, whose loader a worker thread does
// not inherit from the thread that started it: register it here, then load the worker itself.
import { register } from 'tsx/esm/api';

register();
await import('./parse-worker.ts');
