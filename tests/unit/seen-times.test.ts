// An identity's first and last seen are stored as milliseconds and read back as the ISO text records
// keep (identity/store.ts). Both conversions remember their last answer, since a batch's records
// mostly share one time: whatever order values come in, each must read exactly as it would alone.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seenIso, seenMs } from '../../src/lib/engine/identity/store';

const alone = (stored: unknown) =>
  typeof stored === 'number' && Number.isFinite(stored) && Math.abs(stored) <= 8.64e15
    ? new Date(stored).toISOString()
    : typeof stored === 'string'
      ? stored
      : '';

const stored = fc.oneof(
  fc.constantFrom(0, 1764720000000, 1764720000000, NaN, Infinity, 8.64e15 + 1),
  fc.integer({ min: -8.64e15, max: 8.64e15 }),
  fc.constantFrom('2026-12-03T08:00:00.000Z', 'not a time', ''),
  fc.constant(null)
);

describe('identity seen times', () => {
  it('read every stored value, in any order, as it reads alone', () => {
    fc.assert(
      fc.property(fc.array(stored, { maxLength: 30 }), (values) => {
        for (const v of values) expect(seenIso(v)).toBe(alone(v));
      }),
      { numRuns: 2000 }
    );
  });

  it('store every time as its milliseconds, and a text that is no time as 0', () => {
    const iso = fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true });
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            iso.map((d) => d.toISOString()),
            fc.constant('nope')
          ),
          { maxLength: 20 }
        ),
        (texts) => {
          for (const t of texts) expect(seenMs(t)).toBe(t === 'nope' ? 0 : Date.parse(t));
        }
      ),
      { numRuns: 1000 }
    );
  });
});
