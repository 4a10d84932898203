// sortShort replaces Array.prototype.sort where a record's identities are ordered (ingest and every
// restitch): any difference in order would link identities differently, so it must order exactly as
// the built-in stable sort does, ties, NaN comparisons and long lists included.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortShort } from '../../src/lib/engine/sortShort';

interface Item {
  rank: number;
  tag: number;
}

const byRank = (a: Item, b: Item) => a.rank - b.rank;
const item = fc.record({
  // -Infinity as a primary identity's rank: two of them compare as NaN, which sort reads as equal
  rank: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constant(-Infinity)),
  tag: fc.nat()
});

describe('sortShort', () => {
  it('orders every list as the built-in stable sort does', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 40 }), (xs) => {
        const expected = [...xs].sort(byRank);
        const got = sortShort([...xs], byRank);
        expect(got).toEqual(expected);
      }),
      { numRuns: 2000 }
    );
  });

  it('sorts in place and returns the same array', () => {
    const xs = [3, 1, 2];
    expect(sortShort(xs, (a, b) => a - b)).toBe(xs);
    expect(xs).toEqual([1, 2, 3]);
  });
});
