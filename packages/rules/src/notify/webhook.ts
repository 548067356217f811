// The generic webhook: a versioned JSON body, and a signature over timestamp and body that receivers check
// with verifySignature. The timestamp is signed so a captured request cannot be replayed later.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Notification } from './notification.ts';

export const SIGNATURE_HEADER = 'X-Rollcall-Signature';
export const DELIVERY_HEADER = 'X-Rollcall-Delivery';

export function webhookBody(n: Notification): string {
  return JSON.stringify({
    version: '1',
    id: n.id,
    status: n.status,
    rule: { id: n.rule.id, description: n.rule.description, severity: n.rule.severity, type: n.rule.type },
    // Sorted so the same notification always serializes to the same bytes.
    labels: Object.fromEntries(Object.entries(n.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    fingerprint: n.fingerprint,
    stream: n.stream,
    observed: n.observed,
    threshold: n.threshold,
    expected: n.expected,
    summary: n.summary,
    starts_at: n.startsAt,
    ends_at: n.endsAt ?? null,
    at: n.at,
    url: n.url,
    repeat: n.repeat,
  });
}

/** Hex HMAC-SHA256 of `${timestamp}.${body}`, timestamp in unix seconds. */
export function signature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** The id header lets receivers drop a redelivery; the signature header is sent only when a secret is set. */
export function webhookHeaders(
  id: string,
  body: string,
  secret: string | undefined,
  nowSec: number,
): Record<string, string> {
  const headers: Record<string, string> = { [DELIVERY_HEADER]: id };
  if (secret !== undefined) headers[SIGNATURE_HEADER] = `t=${nowSec},v1=${signature(secret, nowSec, body)}`;
  return headers;
}

/** Checks an X-Rollcall-Signature header (`t=<unix seconds>,v1=<hex>`, v1 may repeat) against the raw body. */
export function verifySignature(
  secret: string,
  header: string,
  body: string,
  nowSec: number,
  toleranceSec = 300,
): boolean {
  const { timestamp, candidates } = parseSignatureHeader(header);
  if (timestamp === undefined || Math.abs(nowSec - timestamp) > toleranceSec) return false;
  const expected = Buffer.from(signature(secret, timestamp, body), 'hex');
  return candidates.some((hex) => {
    const given = Buffer.from(hex, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

function parseSignatureHeader(header: string): { timestamp: number | undefined; candidates: string[] } {
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const [key, value = ''] = part.trim().split('=', 2);
    if (key === 't' && /^\d+$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) candidates.push(value);
  }
  return { timestamp, candidates };
}
