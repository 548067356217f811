// The load's message body: valid JSON with fixed-width fields at fixed offsets, padded to an exact size, so a
// consumer reads producer, sequence and send time without parsing JSON, and a tap still sees a JSON body.
//   {"p":"00001","s":"000000000042","t":"1700000000000.123","x":"xxxx…"}
const P_AT = 6;
const P_LEN = 5;
const S_AT = P_AT + P_LEN + 7;
const S_LEN = 12;
const T_AT = S_AT + S_LEN + 7;
const T_LEN = 17;
const X_AT = T_AT + T_LEN + 7;

/** The smallest body: every field and an empty pad. */
export const MIN_SIZE = X_AT + 2;
export const MAX_PRODUCERS = 10 ** P_LEN;

const OPEN = Buffer.from('{"p":"');
const AFTER_P = Buffer.from('","s":"');
const AFTER_S = Buffer.from('","t":"');
const AFTER_T = Buffer.from('","x":"');
const CLOSE = Buffer.from('"}');
const QUOTE = 0x22;
const ZERO = 0x30;

export interface Decoded {
  producer: number;
  seq: number;
  /** Send time, ms since the epoch with microsecond resolution. */
  sentAt: number;
}

/** A body with every fixed byte in place; encode() only writes the three fields into a copy. */
export function template(size: number): Buffer {
  if (!Number.isInteger(size) || size < MIN_SIZE)
    throw new RangeError(`size must be an integer of at least ${MIN_SIZE} bytes, got ${size}`);
  const body = Buffer.alloc(size, 'x');
  OPEN.copy(body, 0);
  AFTER_P.copy(body, P_AT + P_LEN);
  AFTER_S.copy(body, S_AT + S_LEN);
  AFTER_T.copy(body, T_AT + T_LEN);
  CLOSE.copy(body, size - CLOSE.length);
  return body;
}

function writeDigits(buf: Buffer, at: number, width: number, value: number): void {
  let rest = value;
  for (let i = at + width - 1; i >= at; i--) {
    buf[i] = ZERO + (rest % 10);
    rest = Math.floor(rest / 10);
  }
}

function readDigits(buf: Buffer, at: number, width: number): number {
  let value = 0;
  for (let i = at; i < at + width; i++) {
    const d = (buf[i] ?? 0) - ZERO;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

export function encode(tpl: Buffer, producer: number, seq: number, sentAt: number): Buffer {
  const body = Buffer.allocUnsafe(tpl.length);
  tpl.copy(body);
  writeDigits(body, P_AT, P_LEN, producer);
  writeDigits(body, S_AT, S_LEN, seq);
  // Microseconds as an integer, then the decimal point moved into place: no float formatting per message.
  const micros = Math.round(sentAt * 1000);
  writeDigits(body, T_AT, 13, Math.floor(micros / 1000));
  body[T_AT + 13] = 0x2e;
  writeDigits(body, T_AT + 14, 3, micros % 1000);
  return body;
}

/** undefined for anything that is not a load message (wrong shape or size), so strays are counted, not trusted. */
export function decode(body: Buffer): Decoded | undefined {
  if (
    body.length < MIN_SIZE ||
    body[0] !== 0x7b ||
    body[P_AT - 1] !== QUOTE ||
    body[X_AT - 1] !== QUOTE ||
    body[body.length - 2] !== QUOTE
  )
    return undefined;
  const producer = readDigits(body, P_AT, P_LEN);
  const seq = readDigits(body, S_AT, S_LEN);
  const ms = readDigits(body, T_AT, 13);
  const micros = readDigits(body, T_AT + 14, 3);
  if (producer < 0 || seq < 0 || ms < 0 || micros < 0) return undefined;
  return { producer, seq, sentAt: ms + micros / 1000 };
}
