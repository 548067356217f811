#!/usr/bin/env node
// `rollcall bench …` runs this (apps/api/src/cli.ts spawns it), and so does `npm run -w @rollcall/bench cli -- …`.
// The sources are TypeScript run through tsx's loader, as for `rollcall` itself.
import { register } from 'tsx/esm/api';
register();
const { runBenchCli } = await import('../src/cli.ts');
const code = await runBenchCli(process.argv.slice(2));
// kafkajs timers and chDB's native session can outlive the work; everything is stored and written by now.
process.exit(code);
