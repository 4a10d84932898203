// How each destination wants an identity value spelled before it is hashed or sent: one function per
// rule, each with its source. Every rule answers '' (or null) for a value it cannot send, and the
// writers leave such a value out: an empty cell, never the hash of ''.
import { phoneCountry, phoneE164 } from '../identity/normalize';

/**
 * Trimmed and lower-cased; '' when empty or whitespace only. Meta's rule for emails ("trim any leading
 * and trailing spaces, convert all characters to lowercase",
 * https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/customer-information-parameters,
 * the same for customer lists) and LinkedIn's (SHA-256 of the address,
 * https://www.linkedin.com/help/lms/answer/a1489764). Unicode is
 * lower-cased too (ÉLODIE -> élodie), locale-independently, with no Unicode normalisation: the
 * platforms hash the UTF-8 bytes as given.
 */
export function normalizeEmail(value: string): string {
  return value.trim().toLowerCase();
}

const GMAIL_DOMAINS: ReadonlySet<string> = new Set(['gmail.com', 'googlemail.com']);

/**
 * Google Customer Match / enhanced conversions: normalizeEmail, and for gmail.com and googlemail.com
 * addresses only, the local part loses every '.' (Google's email normalisation for hashed user data,
 * https://developers.google.com/google-ads/api/docs/conversions/enhance-conversions) and any '+tag'
 * (DESIGN.md, Destinations: Gmail delivers a+tag@ to a@, so both are the same Google account). Other
 * domains keep their dots and tags: there they can name different mailboxes.
 */
export function googleEmail(value: string): string {
  const email = normalizeEmail(value);
  const at = email.lastIndexOf('@');
  if (at < 0 || !GMAIL_DOMAINS.has(email.slice(at + 1))) return email;
  const local = email.slice(0, at).split('+')[0].replace(/\./g, '');
  // '+tag@gmail.com' or '.@gmail.com' has no account name left: nothing to match on.
  return local ? `${local}${email.slice(at)}` : '';
}

/**
 * The phone in E.164 with its '+' (+14155550142), or null when it cannot be sent. A value written with
 * '+' is read as international; a national number is read in the profile's country, and without a
 * country it is dropped rather than guessed (DESIGN.md, Destinations). Possible, not valid, as for
 * linking (identity/normalize.ts phoneE164): fictional 555 numbers still go out. Google asks for E.164
 * with the country code ("Format phone number value using the E.164 format",
 * https://developers.google.com/display-video/api/guides/tasks/upload-customer-match-audience/prepare-data).
 */
export function e164Phone(value: string, country: string | null): string | null {
  const v = value.trim();
  if (!/\d/.test(v)) return null;
  if (v.startsWith('+')) return phoneE164(v);
  const c = phoneCountry(country);
  return c ? phoneE164(v, c) : null;
}

/**
 * Meta's PHONE: the E.164 digits without '+' ("remove symbols, letters, and any leading zeros... must
 * include a country code",
 * https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/customer-information-parameters;
 * a hashed '+447...' matches nothing).
 */
export function facebookPhone(value: string, country: string | null): string | null {
  return e164Phone(value, country)?.slice(1) ?? null;
}

/** A namespace whose values are already SHA-256 hashes (Email_LC_SHA256, Phone_SHA256, ...). */
export function isHashedNamespace(code: string): boolean {
  return /sha256/i.test(code);
}

/**
 * An already-hashed value goes out as it is, trimmed and lower-cased (the platforms take lower-case
 * hex), never hashed again: a hash of a hash matches nobody.
 */
export function hashedValue(value: string): string {
  return value.trim().toLowerCase();
}
