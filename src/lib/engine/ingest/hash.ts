// Identical records in one dataset are one record (re-ingesting a file changes nothing). Two 53-bit
// string hashes (cyrb53 with seeds 1 and 7) make a 106-bit key: no collision at millions of rows in
// practice. Both run in one pass over the text; stored hashes depend on these exact values.
const finish = (h1: number, h2: number): number => {
  const a = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  const b = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(a ^ (a >>> 13), 3266489909);
  return 4294967296 * (2097151 & b) + (a >>> 0);
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
  return finish(a1, a2).toString(36) + '.' + finish(b1, b2).toString(36);
}
