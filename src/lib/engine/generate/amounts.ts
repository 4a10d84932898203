// Distributions for money, scores and ordered categories. Each takes a quantile `q` in [0, 1) (a
// person's affluence, plus noise) so related attributes of one person move together.
import { clamp01, round2, type Random } from './random';

/** 20k..5M, log-scaled and skewed: median near 120k, about one in five above 1M. */
export function netWorthFor(q: number): number {
  const value = 20_000 * Math.pow(250, Math.pow(q, 1.6));
  return value >= 100_000 ? Math.round(value / 1000) * 1000 : Math.round(value / 100) * 100;
}

/** 50..250k with cents, most balances modest. */
export function balanceFor(q: number): number {
  return round2(50 * Math.pow(5000, Math.pow(q, 1.3)));
}

/** 15k..600k a year, rounded to the hundred. */
export function incomeFor(q: number): number {
  return Math.round((15_000 * Math.pow(40, q)) / 100) * 100;
}

/** 0..1 with two decimals, centred: most people are middling prospects. */
export function propensity(rng: Random): number {
  return round2(rng.triangular());
}

/** Loyalty points: many members with few, a long tail with tens of thousands. */
export function pointsFor(q: number): number {
  return Math.floor(Math.pow(q, 2.2) * 50_000);
}

/** An order or payment amount: 10..800 with cents, mostly under 150. */
export function amountFor(q: number): number {
  return round2(10 + Math.pow(q, 2.4) * 790);
}

/** Noise that reflects off the ends, so values do not pile up on the minimum and maximum. */
export function jitter(rng: Random, q: number, spread = 0.3): number {
  const x = q + (rng.float() - 0.5) * spread;
  return clamp01(x < 0 ? -x : x >= 1 ? 2 - x - 1e-9 : x);
}

/**
 * For enums listed from low to high (income bands, credit bands, tiers). `skew` > 1 makes the low
 * end commoner, as with membership tiers where most people are standard.
 */
export function orderedPick(values: readonly string[], q: number, skew = 1): string {
  return values[Math.min(values.length - 1, Math.floor(Math.pow(clamp01(q), skew) * values.length))];
}

const LIFE_STAGES: [number, [string, number][]][] = [
  [
    30,
    [
      ['young single', 0.7],
      ['young family', 0.3]
    ]
  ],
  [
    40,
    [
      ['young family', 0.6],
      ['young single', 0.2],
      ['established family', 0.2]
    ]
  ],
  [
    55,
    [
      ['established family', 0.7],
      ['young family', 0.15],
      ['empty nester', 0.15]
    ]
  ],
  [
    67,
    [
      ['empty nester', 0.65],
      ['established family', 0.25],
      ['retired', 0.1]
    ]
  ],
  [
    Infinity,
    [
      ['retired', 0.8],
      ['empty nester', 0.2]
    ]
  ]
];

/** A life stage plausible for the age, when the enum uses the usual names; else any value. */
export function lifeStageFor(rng: Random, age: number, values: readonly string[]): string {
  const choices = LIFE_STAGES.find(([below]) => age < below)![1];
  let x = rng.float();
  for (const [stage, p] of choices) {
    if ((x -= p) < 0 && values.includes(stage)) return stage;
  }
  const fallback = choices.find(([stage]) => values.includes(stage));
  return fallback ? fallback[0] : rng.pick(values);
}
