import { describe, expect, it } from 'vitest';
import { OptionsError, parseOptions } from './options.ts';

describe('parseOptions', () => {
  it('defaults to the required benchmark: 1,000,000 × 200 B over 3 partitions on the local broker', () => {
    expect(parseOptions([], {})).toMatchObject({
      messages: 1_000_000,
      size: 200,
      partitions: 3,
      brokers: ['127.0.0.1:9092'],
      phases: ['baseline', 'decoder', 'store', 'collector', 'keys', 'counts'],
      runs: 3,
      timeoutMs: 240_000,
      stageCosts: true,
    });
  });

  it('takes flags over env, and env over defaults', () => {
    const env = { BENCH_TAP_MESSAGES: '5000', BENCH_TAP_PARTITIONS: '2', BENCH_TAP_BROKERS: 'kafka:9092' };
    expect(parseOptions(['--partitions', '1', '--size=512'], env)).toMatchObject({
      messages: 5000,
      size: 512,
      partitions: 1,
      brokers: ['kafka:9092'],
    });
    expect(parseOptions(['-n', '1_000', '--phases', 'collector', '--no-stage-costs'], {})).toMatchObject({
      messages: 1000,
      phases: ['collector'],
      stageCosts: false,
    });
  });

  it('names the setting it rejects', () => {
    expect(() => parseOptions(['--messages', '0'], {})).toThrow(
      new OptionsError('messages: expected an integer >= 1, got "0"'),
    );
    expect(() => parseOptions(['--brokers', 'localhost'], {})).toThrow(/brokers: expected host:port/);
    expect(() => parseOptions(['--phases', 'producer'], {})).toThrow(/phases:/);
    expect(() => parseOptions(['--bogus'], {})).toThrow();
  });
});
