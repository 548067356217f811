import { describe, expect, it } from 'vitest';
import type { Store } from '@rollcall/core/store';
import { abortable } from './abortable.ts';

function fakeStore(seen: unknown[]): Store {
  const client = {
    query: (params: unknown) => (seen.push(params), Promise.resolve({ json: () => Promise.resolve([]) })),
    close: () => Promise.resolve(),
  };
  return {
    client,
    db: 'x',
    embedded: true,
    run: 1,
    insertEvents: () => Promise.resolve(),
    insertSchemas: () => Promise.resolve(),
    close: () => Promise.resolve(),
  } as unknown as Store;
}

describe('abortable', () => {
  it("sends every query with the caller's signal, and refuses new ones once it aborted", async () => {
    const seen: unknown[] = [];
    const controller = new AbortController();
    const store = abortable(fakeStore(seen), controller.signal);
    await store.client.query({ query: 'SELECT 1' });
    expect(seen).toEqual([{ query: 'SELECT 1', abort_signal: controller.signal }]);
    controller.abort(new Error('cancelled by the client'));
    expect(() => store.client.query({ query: 'SELECT 2' })).toThrow('cancelled by the client');
    expect(seen).toHaveLength(1);
    await expect(store.client.close()).resolves.toBeUndefined();
  });
});
