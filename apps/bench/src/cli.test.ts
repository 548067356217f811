import { describe, expect, it } from 'vitest';
import { silentLogger } from '@rollcall/core/log';
import { runBenchCli } from './cli.ts';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runBenchCli(argv, {
    env: {},
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    log: silentLogger,
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('runBenchCli', () => {
  it('prints usage on help, and exits 2 with usage when given nothing', async () => {
    expect(await cli('--help')).toMatchObject({
      code: 0,
      out: expect.stringContaining('rollcall bench [run] --broker kafka|rabbitmq'),
    });
    expect((await cli()).code).toBe(2);
  });

  it('names the flag or subcommand it cannot use, before touching a broker or the store', async () => {
    expect(await cli('--broker', 'kafka', '--size', 'big')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^rollcall bench: --size: expected an integer/),
    });
    expect(await cli('run', '--broker', 'rabbitmq', '--acks', '1')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^rollcall bench: --acks: applies to Kafka only/),
    });
    expect(await cli('--broker', 'kafka', '--nope')).toMatchObject({
      code: 2,
      err: expect.stringContaining("Unknown option '--nope'"),
    });
    expect(await cli('benchmark')).toMatchObject({
      code: 2,
      err: expect.stringContaining('unknown subcommand "benchmark"'),
    });
    expect(await cli('show')).toMatchObject({
      code: 2,
      err: expect.stringContaining('expected a run id: rollcall bench show ID'),
    });
    expect(await cli('list', '--limit', '0')).toMatchObject({
      code: 2,
      err: expect.stringContaining('--limit: expected a positive integer'),
    });
  });
});
