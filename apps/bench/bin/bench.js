// `npm run -w @rollcall/bench cli -- …`: the same command as `rollcall bench …`, runnable from this workspace alone.
import { runBenchCli } from '../src/cli.ts';

const code = await runBenchCli(process.argv.slice(2));
// kafkajs timers and chDB's native session can outlive the work; everything is stored and written by now.
process.exit(code);
