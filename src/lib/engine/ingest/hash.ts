// Identical records in one dataset are one record (re-ingesting a file changes nothing). Two 53-bit
// string hashes (cyrb53 with seeds 1 and 7) make a 106-bit key: no collision at millions of rows in
// practice. Both run in one pass over the text; stored hashes depend on these exact values.

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';
const TWO_32 = 4294967296;

/**
 * hi * 2^32 + lo in base 36, exactly as Number.prototype.toString(36) writes it (hi < 2^21, lo < 2^32).
 * V8 writes a number past 2^31 in a radix digit by digit through a general double algorithm: five
 * times the hashing itself. Each step divides the two halves by 36 separately, so every quotient is
 * exact in a double: rh * 2^32 + lo stays below 2^38.
 */
export function base36(hi: number, lo: number): string {
  let out = '';
  do {
    const rh = hi % 36;
    hi = (hi - rh) / 36;
    const mid = rh * TWO_32 + lo;
    lo = Math.floor(mid / 36);
    out = DIGITS[mid - lo * 36] + out;
  } while (hi > 0 || lo > 0);
  return out;
}

/** cyrb53's finish, as base 36: the 21 high bits of b over the 32 of a. */
const finish = (h1: number, h2: number): string => {
  const a = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  const b = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(a ^ (a >>> 13), 3266489909);
  return base36(2097151 & b, a >>> 0);
};

export function recordHash(text: string): string {
  let a1 = 0xdeadbeef ^ 1;
  let a2 = 0x41c6ce57 ^ 1;
  let b1 = 0xdeadbeef ^ 7;
  let b2 = 0x41c6ce57 ^ 7;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    a1 = Math.imul(a1 ^ ch, 2654435761);
    a2 = Math.imul(a2 ^ ch, 1597334677);
    b1 = Math.imul(b1 ^ ch, 2654435761);
    b2 = Math.imul(b2 ^ ch, 1597334677);
  }
  return finish(a1, a2) + '.' + finish(b1, b2);
}
