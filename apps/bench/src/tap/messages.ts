// The benchmark's records: binary-mode CloudEvents (ce_* headers) with a JSON body padded to an exact size.
export const EVENT_TYPES = ['CardAuthorized', 'CardDeclined', 'CardSettled', 'RefundIssued'] as const;
const CURRENCIES = ['EUR', 'USD', 'GBP'];

export interface BenchMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

export function eventTypeOf(i: number): string {
  // Uneven mix, like real traffic: authorisations dominate.
  const slot = i % 10;
  return EVENT_TYPES[slot < 6 ? 0 : slot < 8 ? 1 : slot < 9 ? 2 : 3];
}

/** A JSON body of exactly `size` bytes when `size` is at least the unpadded body, else the unpadded body. */
export function bodyOf(i: number, size: number): string {
  const fields = {
    id: `evt-${i}`,
    card: `card-${String(i % 1000).padStart(4, '0')}`,
    amount: (i * 7919) % 100_000,
    currency: CURRENCIES[i % CURRENCIES.length],
    merchant: { id: `m-${i % 257}`, country: i % 2 ? 'NL' : 'DE' },
    at: new Date(1_700_000_000_000 + i * 10).toISOString(),
  };
  const bare = JSON.stringify(fields);
  const padLength = size - Buffer.byteLength(bare) - ',"pad":""'.length;
  return padLength >= 0 ? JSON.stringify({ ...fields, pad: 'x'.repeat(padLength) }) : bare;
}

export function messageOf(i: number, size: number): BenchMessage {
  return {
    key: `card-${i % 1000}`,
    value: bodyOf(i, size),
    headers: {
      ce_specversion: '1.0',
      ce_type: eventTypeOf(i),
      ce_source: 'card-service',
      ce_id: `evt-${i}`,
      'content-type': 'application/json',
    },
  };
}
