// Our own seeded generator rather than faker's: a 100k-record run draws millions of values, and faker's
// per-call overhead would dominate. Faker is only the source of word lists (./vocabulary.ts).

export const DAY = 86_400_000;
export const YEAR = 365.25 * DAY;

/** FNV-1a over the parts, so a seed and a label give an independent, stable stream. */
export function hashSeed(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  const text = parts.join('\u0000');
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A seed for a numbered sub-stream (record i of a run), cheaper than hashing text per record. */
export function mixSeed(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

const HEX = '0123456789abcdef';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Mulberry32: uniform in [0, 1). */
  float(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Inclusive of both ends. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  between(min: number, max: number): number {
    return min + this.float() * (max - min);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)];
  }

  /** Mean of two uniforms: values near the middle are likelier, like most real scores. */
  triangular(): number {
    return (this.float() + this.float()) / 2;
  }

  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(this.float() * 10);
    return s;
  }

  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += HEX[Math.floor(this.float() * 16)];
    return s;
  }

  alnum(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += ALNUM[Math.floor(this.float() * ALNUM.length)];
    return s;
  }

  /** RFC 4122 version 4 layout, lower case. */
  uuid(): string {
    const h = this.hex(32);
    const variant = HEX[8 + Math.floor(this.float() * 4)];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20)}`;
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.float() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  /** k distinct items, in random order. */
  sample<T>(items: readonly T[], k: number): T[] {
    return this.shuffle([...items]).slice(0, k);
  }
}

/**
 * A seeded bijection of [0, size): index i of a run gets the id `at(i)`, and no two indexes share one,
 * so ids are unique by construction instead of by remembering every id handed out (memory that grew
 * with the run). A balanced Feistel network over the smallest even number of bits that holds `size`,
 * walking the cycle until the value falls inside the range (on average under two steps). Sizes up to
 * 2^52 stay exact in doubles.
 */
export class Permutation {
  private readonly half: number;
  private readonly halfSize: number;
  private readonly keys: number[];

  constructor(
    readonly size: number,
    seed: number
  ) {
    if (!Number.isSafeInteger(size) || size < 1 || size > 2 ** 52) {
      throw new Error(`A permutation covers 1 to 2^52 values, not ${size}`);
    }
    let bits = 2;
    while (2 ** bits < size) bits += 2;
    this.half = bits / 2;
    this.halfSize = 2 ** this.half;
    this.keys = [0, 1, 2, 3].map((round) => mixSeed(seed, round + 0x5eed));
  }

  at(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new Error(`${index} is outside the permutation's 0..${this.size - 1}`);
    }
    let x = index;
    do x = this.encrypt(x);
    while (x >= this.size);
    return x;
  }

  private encrypt(x: number): number {
    const n = this.halfSize;
    let left = Math.floor(x / n);
    let right = x % n;
    for (const key of this.keys) {
      // the round function only has to be deterministic; any value of it keeps the network a bijection
      const f = mixSeed(key, right) % n;
      const next = (left + f) % n;
      left = right;
      right = next;
    }
    return left * n + right;
  }
}

/** Picks by weight with a binary search over cumulative weights (tables are drawn from per record). */
export function weighted<T>(items: readonly T[], weights: readonly number[]): (rng: Random) => T {
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) cumulative.push((total += w));
  return (rng) => {
    const x = rng.float() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return items[lo];
  };
}

const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/**
 * 'YYYY-MM-DD' by Hinnant's days-to-civil arithmetic: Date#toISOString costs more than the rest of a
 * record's fields put together.
 */
export function isoDate(ms: number): string {
  const z = Math.floor(ms / DAY) + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${year}-${PAD2[month]}-${PAD2[day]}`;
}

/** UTC ISO 8601 in whole seconds: sub-second precision in synthetic data only adds noise to screens. */
export function isoDateTime(ms: number): string {
  const s = Math.floor((ms - Math.floor(ms / DAY) * DAY) / 1000);
  return `${isoDate(ms)}T${PAD2[Math.floor(s / 3600)]}:${PAD2[Math.floor(s / 60) % 60]}:${PAD2[s % 60]}.000Z`;
}

export function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 0.999999 ? 0.999999 : x;
}
