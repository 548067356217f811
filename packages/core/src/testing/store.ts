// An embedded store on a fresh directory for one test file: opened before the file's tests, closed after them.
import { afterAll, beforeAll } from 'vitest';
import { parseConfig } from '../config/load.ts';
import { openStore, type Store } from '../store/store.ts';
import { tempDir } from './brokers.ts';

export interface TestStore {
  /** The open store; reading it before the file's tests start throws. */
  readonly store: Store;
}

/** `prefix` names the temp directory; `database` defaults to the config's. */
export function embeddedStore(prefix: string, database?: string): TestStore {
  let store: Store | undefined;
  beforeAll(async () => {
    store = await openStore(
      parseConfig('', 'test', {
        ROLLCALL_DATA_DIR: tempDir(prefix),
        ...(database ? { ROLLCALL_CLICKHOUSE_DATABASE: database } : {}),
      }).clickhouse,
    );
  });
  afterAll(async () => {
    await store?.close();
  });
  return {
    get store() {
      if (!store) throw new Error('the store opens before the tests start');
      return store;
    },
  };
}
