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

/** Cookies and devices identify a browser or a phone, not a person. */
export const ANONYMOUS_TYPES: ReadonlySet<string> = new Set(['cookie', 'device']);

/** A linking id that names a person (CRM id, email, phone...): not a cookie, device or partner id. */
export function isKnownIdentity(ns: Pick<Namespace, 'linksRecords' | 'type'> | undefined): boolean {
  return ns !== undefined && ns.linksRecords && !ANONYMOUS_TYPES.has(ns.type);
}

// Empty, whitespace and every all-zero id (0000, 00000000-0000-0000-0000-000000000000) are always junk.
const ALL_ZERO = /^[0\s._:-]*$/;

export function isJunk(value: string, blocked: ReadonlySet<string>): boolean {
  const v = value.trim().toLowerCase();
  return ALL_ZERO.test(v) || blocked.has(v);
}

/**
 * The form an identity value is stored, linked and looked up in. Emails and hashes are case-insensitive;
 * phone numbers lose their punctuation; everything else is only trimmed (ids are case-sensitive).
 */
export function normalizeIdentity(ns: Pick<Namespace, 'code' | 'type'>, value: string): string {
  const v = value.trim();
  if (/sha256/i.test(ns.code)) return v.toLowerCase();
  if (ns.type === 'email') return v.toLowerCase();
  if (ns.type === 'phone') return v.replace(/[\s().\-/]/g, '');
  return v;
}
