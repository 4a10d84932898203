// The generator's options, checked once (GenerateOptions in ../types.ts), and the quota that
// turns a dial into an exact share: a dial of 10% marks 10% of the records, to within one record,
// at places chosen at random rather than every tenth.
import { invalid } from '../errors';
import type { GenerateOptions } from '../types';
import { startOfUtcDay, type Random } from './random';

export const DEFAULT_SEED = 1;
/** A million records streams in a few minutes; past that, upload a file made elsewhere. */
export const MAX_RECORDS = 1_000_000;
/** Events spread over the last 90 days unless `days` says otherwise. */
export const DEFAULT_DAYS = 90;
export const MAX_DAYS = 3650;
/** Half of the events anonymous: visitors browse before they log in, and some never do. */
export const DEFAULT_ANONYMOUS = 0.5;

export interface GenerateSettings {
  count: number;
  seed: number;
  now: number;
  days: number;
  overlap: number;
  anonymous: number;
  sharedDevices: number;
  messiness: number;
}

export const DIALS = ['overlap', 'anonymous', 'sharedDevices', 'messiness'] as const;
export type Dial = (typeof DIALS)[number];

/** The options with their defaults, or a CdpError naming the first one out of range. */
export function generateSettings(opts: GenerateOptions | undefined): GenerateSettings {
  if (typeof opts !== 'object' || opts === null) {
    throw invalid('Generating needs options: at least { count } (1 to 1,000,000 records).');
  }
  const { count } = opts;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_RECORDS) {
    throw invalid(
      `count must be a whole number from 1 to ${MAX_RECORDS.toLocaleString('en-US')}, not ${String(count)}.`,
      {
        option: 'count',
        value: count
      }
    );
  }
  const seed = opts.seed ?? DEFAULT_SEED;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw invalid(`seed must be a whole number, not ${String(seed)}.`, { option: 'seed', value: seed });
  }
  const days = opts.days ?? DEFAULT_DAYS;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > MAX_DAYS) {
    throw invalid(`days must be a whole number from 1 to ${MAX_DAYS}, not ${String(days)}.`, {
      option: 'days',
      value: days
    });
  }
  const now = opts.now ?? startOfUtcDay(Date.now());
  if (typeof now !== 'number' || !Number.isFinite(now)) {
    throw invalid(`now must be epoch milliseconds, not ${String(now)}.`, { option: 'now', value: now });
  }
  const dial = (name: Dial, fallback: number): number => {
    const v = opts[name] ?? fallback;
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
      throw invalid(`${name} is a share from 0 to 1 (0.1 is 10%), not ${String(v)}.`, {
        option: name,
        value: v
      });
    }
    return v;
  };
  return {
    count,
    // mixSeed works on 32 bits: fold the high part in, so 2^32 + 1 is not the same run as 1
    seed: Math.abs(seed) < 2 ** 31 ? seed : (seed % 2 ** 32) ^ Math.floor(seed / 2 ** 32),
    now,
    days,
    overlap: dial('overlap', 0),
    anonymous: dial('anonymous', DEFAULT_ANONYMOUS),
    sharedDevices: dial('sharedDevices', 0),
    messiness: dial('messiness', 0)
  };
}

/**
 * Marks items so the marked weight stays within one item of `share` of the weight seen, at random
 * places: each item is marked with the probability of the shortfall so far (randomised rounding that
 * carries its error forward). `weight` lets whole visitors be marked by their events.
 */
export class Quota {
  private debt = 0;

  constructor(
    readonly share: number,
    private readonly rng: Random
  ) {}

  take(weight = 1): boolean {
    if (this.share <= 0) return false;
    this.debt += this.share * weight;
    const chosen = this.rng.float() * weight < this.debt;
    if (chosen) this.debt -= weight;
    return chosen;
  }

  /** What is owed after `weight` more items, to steer a choice that is not yes or no. */
  owed(weight: number): number {
    return this.debt + this.share * weight;
  }

  /** Records a choice made elsewhere: `taken` of `weight` items were marked. */
  settle(weight: number, taken: number): void {
    this.debt += this.share * weight - taken;
  }
}
