// Silences in the manner of Alertmanager: label matchers and a time range. A silenced alert still changes
// state and is still listed; only its notifications are held back.
import { randomUUID } from 'node:crypto';
import { chTime, type Store } from '@rollcall/core/store';
import { z } from 'zod';

import { queryRows } from '@rollcall/core/store/queries';

export const matcherSchema = z.strictObject({
  name: z.string().min(1),
  value: z.string(),
  is_regex: z.boolean().default(false),
  is_equal: z.boolean().default(true),
});
export type Matcher = z.output<typeof matcherSchema>;

export interface Silence {
  id: string;
  matchers: Matcher[];
  starts_at: number;
  ends_at: number;
  created_by: string;
  comment: string;
}

export function matchesAll(matchers: Matcher[], labels: Record<string, string>): boolean {
  return matchers.every((m) => {
    const value = labels[m.name] ?? '';
    const hit = m.is_regex ? new RegExp(`^(?:${m.value})$`).test(value) : value === m.value;
    return hit === m.is_equal;
  });
}

export async function saveSilence(
  store: Store,
  s: Omit<Silence, 'id'> & { id?: string },
  now: number,
): Promise<Silence> {
  const silence = { ...s, id: s.id ?? randomUUID() };
  await store.client.insert({
    table: `${store.db}.silences`,
    values: [
      {
        ...silence,
        matchers: JSON.stringify(silence.matchers),
        starts_at: chTime(silence.starts_at),
        ends_at: chTime(silence.ends_at),
        updated_at: chTime(now),
      },
    ],
    format: 'JSONEachRow',
  });
  return silence;
}

export async function listSilences(store: Store): Promise<Silence[]> {
  const rows = await queryRows<{
    id: string;
    matchers: string;
    starts_at: string | number;
    ends_at: string | number;
    created_by: string;
    comment: string;
  }>(
    store,
    `SELECT id, argMax(matchers, updated_at) AS matchers, toUnixTimestamp64Milli(argMax(starts_at, updated_at)) AS starts_at,
            toUnixTimestamp64Milli(argMax(ends_at, updated_at)) AS ends_at, argMax(created_by, updated_at) AS created_by, argMax(comment, updated_at) AS comment
     FROM ${store.db}.silences GROUP BY id ORDER BY starts_at DESC`,
    {},
  );
  return rows.map((r) => ({
    ...r,
    matchers: z.array(matcherSchema).parse(JSON.parse(r.matchers)),
    starts_at: Number(r.starts_at),
    ends_at: Number(r.ends_at),
  }));
}

export const isActiveSilence = (s: Silence, now: number): boolean => s.starts_at <= now && now < s.ends_at;
