// One kafkajs admin connection kept open across sampling rounds. When an operation on it fails it is dropped
// and reconnected no sooner than a capped, jittered backoff, so a cluster that is down is not hammered.
import type { Admin, Kafka } from 'kafkajs';
import type { Logger } from '@rollcall/core/log';
import { backoffDelay } from '@rollcall/core/retry';

export interface AdminLink {
  /** Runs op on the connected admin; throws while the link is backing off or when op fails. */
  use<T>(op: (admin: Admin) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const MAX_BACKOFF_MS = 30_000;

export function createAdminLink(kafka: Kafka, log: Logger, now: () => number = Date.now): AdminLink {
  let admin: Admin | undefined;
  let failures = 0;
  let retryAt = 0;
  let lastError = '';

  const failed = (err: unknown) => {
    const delay = backoffDelay(failures, MAX_BACKOFF_MS);
    failures++;
    retryAt = now() + delay;
    lastError = err instanceof Error ? err.message : String(err);
    log.warn('Kafka admin connection failed; reconnecting after a backoff', { err, delay_ms: delay, failures });
  };

  const connected = async (): Promise<Admin> => {
    if (admin) return admin;
    if (now() < retryAt) throw new Error(`not connected (${lastError}); next attempt in ${retryAt - now()} ms`);
    const next = kafka.admin();
    try {
      await next.connect();
    } catch (err) {
      failed(err);
      throw err;
    }
    admin = next;
    return next;
  };

  return {
    async use(op) {
      const current = await connected();
      try {
        const result = await op(current);
        failures = 0;
        return result;
      } catch (err) {
        admin = undefined;
        await current.disconnect().catch(() => {});
        failed(err);
        throw err;
      }
    },
    async close() {
      const current = admin;
      admin = undefined;
      await current?.disconnect();
    },
  };
}
