// Identity values in the shape each standard namespace expects, unique within one generation run: two
// synthetic people sharing an email or CRM id would be stitched into one profile by accident.
//
// Two ways to keep them unique:
// - by construction (IdScheme 'constructed', every generate call): an id that must be unique is a
//   seeded bijection of the visitor index (CRM ids, partner ids, phone subscriber numbers), or random
//   enough never to repeat (128-bit-ish cookies and advertising ids). Nothing is remembered, so memory
//   does not grow with the run;
// - by remembering (claim() and Taken, the templates' small hand-made samples only): the first random
//   candidate not yet used. The samples were made this way and keep their exact people.
import { hashSeed, Permutation, type Random } from './random';

export type Taken = Map<string, Set<string>>;

/** The first candidate not yet used; `make` gets the attempt number to vary on. Small runs only. */
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

/** North American numbering: an exchange that is not N11 or 555 (fictional numbers) nor starts 0 or 1. */
const EXCHANGES = Array.from({ length: 800 }, (_, i) => i + 200).filter((e) => e !== 555 && e % 100 !== 11);
const LINES = 10_000;
/** Subscriber numbers (exchange and line) under one area code: 7,910,000. */
export const SUBSCRIBERS = EXCHANGES.length * LINES;

/** North American numbering: area code, an exchange that is not N11 or 555, four digits. */
export function usPhone(rng: Random, areaCode: number): string {
  let exchange = rng.int(200, 999);
  while (exchange === 555 || exchange % 100 === 11) exchange = rng.int(200, 999);
  return `+1${areaCode}${exchange}${rng.digits(4)}`;
}

/** The subscriber'th number of an area code (0 <= subscriber < SUBSCRIBERS). */
export function usPhoneAt(areaCode: number, subscriber: number): string {
  const exchange = EXCHANGES[Math.floor(subscriber / LINES)];
  return `+1${areaCode}${exchange}${String(subscriber % LINES).padStart(4, '0')}`;
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

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function base36(n: number, width: number): string {
  let s = '';
  for (let i = 0; i < width; i++) {
    s = ALNUM[n % 36] + s;
    n = Math.floor(n / 36);
  }
  return s;
}

/**
 * Generated CRM ids have eight digits: ten times the largest run, so runs of different seeds rarely
 * meet, and never one of the templates' six-digit customers (CRM-100042).
 */
const CRM_SPACE = 100_000_000;
const PARTNER_SPACE = 36 ** 8;

/** How a run makes the ids that must not repeat, given the visitor index and the visitor's own stream. */
export interface IdScheme {
  readonly kind: 'constructed' | 'claimed';
  crmId(index: number, rng: Random): string;
  partnerId(index: number, rng: Random): string;
  /** Any id of a namespace without a rule of its own (cookies, devices, custom namespaces) */
  id(namespace: string, rng: Random, make: (rng: Random) => string): string;
  /** A phone in one of the person's area codes */
  phone(index: number, rng: Random, areaCodes: readonly number[]): string;
  /**
   * The person's email: `first` (the name-only spelling) when no one else in the run has it, else
   * `retry(attempt)` (claimed) or `suffixed` (constructed: the name plus the visitor index).
   */
  email(index: number, first: string, retry: (attempt: number) => string, suffixed: () => string): string;
}

/**
 * Who holds each name-only email spelling: the lowest visitor index with it, among the first
 * NAME_ONLY_EMAILS visitors of a seed (a bounded table, filled in index order, so the answer for a
 * visitor does not depend on the order records are made in). Everyone else gets a suffixed address.
 */
export const NAME_ONLY_EMAILS = 20_000;

export class EmailBook {
  private readonly owners = new Map<string, number>();
  private filled = 0;

  constructor(private readonly spellingOf: (index: number) => string) {}

  owns(index: number, spelling: string): boolean {
    if (index >= NAME_ONLY_EMAILS) return false;
    while (this.filled <= index) {
      const s = this.filled === index ? spelling : this.spellingOf(this.filled);
      if (!this.owners.has(s)) this.owners.set(s, this.filled);
      this.filled++;
    }
    return this.owners.get(spelling) === index;
  }
}

/** Unique by construction: bijections of the visitor index, and random ids too long to repeat. */
export function constructedIds(seed: number, book: EmailBook): IdScheme {
  const crm = new Permutation(CRM_SPACE, hashSeed('crm', seed));
  const partner = new Permutation(PARTNER_SPACE, hashSeed('partner', seed));
  const phones = new Permutation(SUBSCRIBERS, hashSeed('phone', seed));
  return {
    kind: 'constructed',
    crmId: (index) => `CRM-${String(crm.at(index)).padStart(8, '0')}`,
    partnerId: (index) => `PTR-${base36(partner.at(index), 8)}`,
    // 38 random digits, UUIDs, 10 random letters and digits: a repeat within a million ids is
    // vanishingly unlikely (and would only join two synthetic people)
    id: (_namespace, rng, make) => make(rng),
    // the area code follows the person's city; the subscriber number is unique in the whole run
    phone: (index, rng, areaCodes) => usPhoneAt(rng.pick(areaCodes), phones.at(index % SUBSCRIBERS)),
    email: (index, first, _retry, suffixed) => (book.owns(index, first) ? first : suffixed())
  };
}

/** Unique by remembering every id (the templates' samples: a few hundred people). */
export function claimedIds(taken: Taken = new Map()): IdScheme {
  return {
    kind: 'claimed',
    crmId: (_index, rng) => claim(taken, 'CRMID', () => crmId(rng)),
    partnerId: (_index, rng) => claim(taken, 'PartnerID', () => partnerId(rng)),
    id: (namespace, rng, make) => claim(taken, namespace, () => make(rng)),
    phone: (_index, rng, areaCodes) => claim(taken, 'Phone', () => usPhone(rng, rng.pick(areaCodes))),
    email: (_index, first, retry) =>
      claim(taken, 'Email', (attempt) => (attempt === 0 ? first : retry(attempt)))
  };
}
