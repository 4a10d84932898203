// A record's dedupe hash is stored: a hash written differently would make every record of a sandbox
// saved earlier look new, and re-ingesting its files would add them all again. The hash writes its
// two 53-bit halves in base 36 itself (V8's toString(36) was most of its time), so it must write
// every possible half exactly as toString(36) does, and hash every text as before.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base36, recordHash } from '../../src/lib/engine/ingest/hash';

/**
 * The hash as it was written before base36, in cyrb53's published form: one pass per seed (the engine
 * fuses the two), each 53-bit result through toString(36).
 */
function cyrb53(text: string, seed: number): string {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (const ch of Array.from({ length: text.length }, (_, i) => text.charCodeAt(i))) {
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  const a = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  const b = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(a ^ (a >>> 13), 3266489909);
  return (4294967296 * (2097151 & b) + (a >>> 0)).toString(36);
}

const referenceHash = (text: string) => `${cyrb53(text, 1)}.${cyrb53(text, 7)}`;

describe('the record hash', () => {
  it('writes every 53-bit half in base 36 exactly as toString(36) does', () => {
    const hi = fc.integer({ min: 0, max: 2 ** 21 - 1 });
    const lo = fc.integer({ min: 0, max: 2 ** 32 - 1 });
    fc.assert(
      fc.property(hi, lo, (h, l) => {
        expect(base36(h, l)).toBe((h * 4294967296 + l).toString(36));
      }),
      { numRuns: 20000 }
    );
    for (const [h, l] of [
      [0, 0],
      [0, 35],
      [0, 36],
      [0, 2 ** 32 - 1],
      [1, 0],
      [2 ** 21 - 1, 2 ** 32 - 1]
    ])
      expect(base36(h, l)).toBe((h * 4294967296 + l).toString(36));
  });

  it('hashes every text as it was hashed before', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        expect(recordHash(text)).toBe(referenceHash(text));
      }),
      { numRuns: 5000 }
    );
  });
});
