// A fast, non-cryptographic 53-bit hash (cyrb53): fits a JS number exactly and a ClickHouse UInt64.
// Text is hashed as its UTF-8 bytes. Stored hashes (delivery hashes, key hashes, alert ids) are compared with hashes
// computed later, so the value for given bytes must never change.

const utf8 = new TextEncoder();
// Text the tap hashes per message (a trace's routing key and header table) is nearly always ASCII, whose UTF-8
// bytes are its char codes: it is hashed from the string itself, without encoding a copy of it first.
const ASCII = /^[\x00-\x7f]*$/;

export function hash53(data: Uint8Array | string, seed = 0): number {
  const bytes = typeof data === 'string' && !ASCII.test(data) ? utf8.encode(data) : data;
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  if (typeof bytes === 'string') {
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes.charCodeAt(i);
      h1 = Math.imul(h1 ^ b, 2654435761);
      h2 = Math.imul(h2 ^ b, 1597334677);
    }
  } else {
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i] as number;
      h1 = Math.imul(h1 ^ b, 2654435761);
      h2 = Math.imul(h2 ^ b, 1597334677);
    }
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
