import parsePhoneNumber, { isSupportedCountry, type CountryCode } from 'libphonenumber-js/min';
import type { Namespace } from '../types';

/** Values that never identify anyone (DESIGN: blocked junk values), matched trimmed and case-insensitively. */
export const DEFAULT_BLOCKED_VALUES = [
  'null',
  'undefined',
  '-1',
  '0',
  'anonymous',
  'unknown',
  'test@test.com'
];

/** The country national phone numbers are read in unless a sandbox says otherwise. */
export const DEFAULT_COUNTRY = 'US';

/** Cookies and devices identify a browser or a phone, not a person. */
export const ANONYMOUS_TYPES: ReadonlySet<string> = new Set(['cookie', 'device']);

/** A linking id that names a person (CRM id, email, phone...): not a cookie, device or partner id. */
export function isKnownIdentity(ns: Pick<Namespace, 'linksRecords' | 'type'> | undefined): boolean {
  return ns !== undefined && ns.linksRecords && !ANONYMOUS_TYPES.has(ns.type);
}

// Empty, whitespace and every all-zero id (0000, 00000000-0000-0000-0000-000000000000, (000) 000-0000)
// are always junk.
const ALL_ZERO = /^[0\s._:()+-]*$/;
// So is a phone whose number after its country code is all zeros: "(000) 000-0000" and "+1 000 000
// 0000" both normalise to +10000000000, which the pattern above no longer sees as zeros, and linked
// every record that had it into one profile.
const ALL_ZERO_PHONE = /^\+[1-9]\d{0,2}0+$/;

/** Whether an identity value, as read or as normalised, never identifies anyone. */
export function isJunk(value: string, blocked: ReadonlySet<string>): boolean {
  const v = value.trim().toLowerCase();
  return ALL_ZERO.test(v) || ALL_ZERO_PHONE.test(v) || blocked.has(v);
}

/** An ISO 3166 alpha-2 code libphonenumber knows, upper-cased, or null. */
export function phoneCountry(code: unknown): CountryCode | null {
  if (typeof code !== 'string') return null;
  const c = code.trim().toUpperCase();
  return isSupportedCountry(c) ? c : null;
}

// A North American number: an optional 1, a three-digit area code and exchange that do not start with
// 0 or 1, four digits, written with nothing but digits, spaces and ( ) - . and perhaps a leading +1.
// libphonenumber reads every such spelling as the possible number +1 and its ten digits (in a US or
// Canadian sandbox; any sandbox when it starts with +1), and parsing costs 10-20 microseconds a value,
// too much for a million-row upload: these are answered directly (the unit tests hold the two equal).
const NANP_SPELLING = /^(\+?1)?[\s().-]*[2-9]\d{2}[\s().-]*[2-9]\d{2}[\s.-]*\d{4}$/;
const NANP_COUNTRIES: ReadonlySet<string> = new Set(['US', 'CA']);

function nanpE164(value: string, country: string): string | null {
  if (!NANP_SPELLING.test(value)) return null;
  const digits = value.replace(/\D/g, '');
  const international = value.startsWith('+');
  if (!international && !NANP_COUNTRIES.has(country)) return null;
  return `+1${digits.length === 11 ? digits.slice(1) : digits}`;
}

/**
 * The E.164 form of a phone (+12125550123) when libphonenumber reads it as a possible number, a
 * national one in defaultCountry; null when it does not. Possible, not valid: a number of a length
 * the country uses is enough, so fictional 555 numbers still link. An extension is left out: the
 * line is the identity, as destinations match on it.
 */
export function phoneE164(value: string, defaultCountry: string = DEFAULT_COUNTRY): string | null {
  const v = value.trim();
  const country = phoneCountry(defaultCountry) ?? DEFAULT_COUNTRY;
  const quick = nanpE164(v, country);
  if (quick) return quick;
  const parsed = parsePhoneNumber(v, { defaultCountry: country });
  return parsed?.isPossible() ? parsed.number : null;
}

/**
 * A phone identity: E.164 when it is a possible number; '' (no identity) when it has no digit at all.
 * A value libphonenumber cannot read as a possible number (555-0123 without its area code, a number
 * too short or too long) keeps the old punctuation-free form: the same spelling sent again still
 * links and a lookup by it still finds it, nothing is dropped, and it can never equal an E.164 value
 * (those start with '+' and are possible numbers, these lack the '+' or are not possible).
 */
export function normalizePhone(value: string, defaultCountry: string = DEFAULT_COUNTRY): string {
  if (!/\d/.test(value)) return '';
  return phoneE164(value, defaultCountry) ?? value.trim().replace(/[\s().\-/]/g, '');
}

/**
 * What a list of blocked values matches (isJunk's set): each value trimmed and lower-cased, and one that
 * reads as a phone number also in its E.164 form, so blocking "(212) 555-0123" blocks every spelling of
 * that number once phones are normalised.
 */
export function blockedKeys(
  values: readonly string[],
  defaultCountry: string = DEFAULT_COUNTRY
): Set<string> {
  const keys = new Set<string>();
  for (const v of values) {
    keys.add(v.trim().toLowerCase());
    const e164 = /\d/.test(v) && !v.includes('@') ? phoneE164(v, defaultCountry) : null;
    if (e164) keys.add(e164.toLowerCase());
  }
  return keys;
}

/**
 * The form an identity value is stored, linked and looked up in. Emails and hashes are case-insensitive;
 * phone numbers become E.164 (national numbers read in defaultCountry); everything else is only trimmed
 * (ids are case-sensitive).
 */
export function normalizeIdentity(
  ns: Pick<Namespace, 'code' | 'type'>,
  value: string,
  defaultCountry: string = DEFAULT_COUNTRY
): string {
  const v = value.trim();
  if (/sha256/i.test(ns.code)) return v.toLowerCase();
  if (ns.type === 'email') return v.toLowerCase();
  if (ns.type === 'phone') return normalizePhone(v, defaultCountry);
  return v;
}
