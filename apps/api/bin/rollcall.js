#!/usr/bin/env node
// The sources are TypeScript run directly through tsx's loader; no build step stands between an edit and a run.
import { register } from 'tsx/esm/api';
register();
const { run } = await import('../src/cli.ts');
await run(process.argv.slice(2));
