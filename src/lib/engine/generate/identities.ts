// Identity values in the shape each standard namespace expects, kept unique within one generation run:
// two synthetic people sharing an email or CRM id would be stitched into one profile by accident.
import { hashSeed, type Random } from './random';

export type Taken = Map<string, Set<string>>;

/** The first candidate not yet used in this run; `make` gets the attempt number to vary on. */
export function claim(taken: Taken, namespace: string, make: (attempt: number) => string): string {
  let used = taken.get(namespace);
  if (!used) taken.set(namespace, (used = new Set()));
  let value = make(0);
  // Past ~40 attempts the id space is exhausted (over 900k CRM ids): accept a repeat rather than spin
  for (let attempt = 1; used.has(value) && attempt < 40; attempt++) value = make(attempt);
  used.add(value);
  return value;
}

export const crmId = (rng: Random) => `CRM-${rng.digits(6)}`;
/** The Experience Cloud id is 38 decimal digits; a leading zero would be lost by spreadsheet tools. */
export const ecid = (rng: Random) => `${rng.int(1, 9)}${rng.digits(37)}`;
export const idfa = (rng: Random) => rng.uuid().toUpperCase();
export const gaid = (rng: Random) => rng.uuid();
export const partnerId = (rng: Random) => `PTR-${rng.alnum(8)}`;

/** North American numbering: area code, an exchange that is not N11 or 555, four digits. */
export function usPhone(rng: Random, areaCode: number): string {
  let exchange = rng.int(200, 999);
  while (exchange === 555 || exchange % 100 === 11) exchange = rng.int(200, 999);
  return `+1${areaCode}${exchange}${rng.digits(4)}`;
}

/**
 * 64 lower-case hex characters derived from the text: not SHA-256, but stable, so a hashed email
 * column agrees with the plain email of the same record and across records.
 */
export function fakeDigest(text: string): string {
  let out = '';
  for (let i = 0; i < 8; i++) out += hashSeed(text, i).toString(16).padStart(8, '0');
  return out;
}
