// A store whose every query carries the request's AbortSignal: a long read (a backtest over weeks) stops when its
// caller goes away, instead of running to the end for nobody.
import type { Store } from '@rollcall/core/store';

/** The same store; its client's queries are sent with `signal` as abort_signal (the HTTP client cancels the request
 * and ClickHouse the query; the embedded engine finishes the query in hand and the caller's next step sees the abort). */
export function abortable(store: Store, signal: AbortSignal): Store {
  const client = new Proxy(store.client, {
    get(target, key, receiver) {
      if (key !== 'query') return Reflect.get(target, key, receiver) as unknown;
      return (params: Parameters<Store['client']['query']>[0]) => {
        signal.throwIfAborted();
        return target.query({ ...params, abort_signal: signal });
      };
    },
  });
  return { ...store, client };
}
