import { describe, expect, it } from 'vitest';
import { backoffDelay, retryRetriable } from './retry.ts';

const retriable = (message: string) => Object.assign(new Error(message), { retriable: true });

describe('retryRetriable', () => {
  it('retries errors marked retriable and returns the first success', async () => {
    const answers = [retriable('NOT_COORDINATOR'), retriable('NOT_LEADER_OR_FOLLOWER')];
    const retried: number[] = [];
    const result = await retryRetriable(
      async () => {
        const next = answers.shift();
        if (next) throw next;
        return 'offsets';
      },
      { capMs: 2, baseMs: 1, onRetry: (_, delay) => retried.push(delay) },
    );
    expect(result).toBe('offsets');
    expect(retried).toHaveLength(2);
  });

  it('throws at once what is not retriable, and the last error when the attempts run out', async () => {
    let calls = 0;
    const fatal = async () => {
      calls++;
      throw new Error('TOPIC_AUTHORIZATION_FAILED');
    };
    await expect(retryRetriable(fatal, { capMs: 2, baseMs: 1 })).rejects.toThrow('TOPIC_AUTHORIZATION_FAILED');
    expect(calls).toBe(1);
    calls = 0;
    const always = async () => {
      calls++;
      throw retriable(`attempt ${calls}`);
    };
    await expect(retryRetriable(always, { attempts: 3, capMs: 2, baseMs: 1 })).rejects.toThrow('attempt 3');
    expect(calls).toBe(3);
  });
});

describe('backoffDelay', () => {
  it('doubles up to the cap, with jitter in the upper half', () => {
    expect(backoffDelay(0, 5000, 250, () => 0)).toBe(125);
    expect(backoffDelay(0, 5000, 250, () => 1)).toBe(250);
    expect(backoffDelay(3, 5000, 250, () => 1)).toBe(2000);
    expect(backoffDelay(10, 5000, 250, () => 1)).toBe(5000);
  });
});
