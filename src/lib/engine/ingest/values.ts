// One place decides what a raw value means for a field type (docs/ARCHITECTURE.md, "The ingest
// pipeline"): numbers are strict decimals kept exact or refused, dates are real calendar days.
import type { FieldDef } from '../types';

export type Coerced = { ok: true; value: unknown } | { ok: false; code: string; message: string };

/**
 * A JSON number as written in the file, for a literal a double does not give back (past 2^53, more
 * digits than a double holds, or written unlike JavaScript would: 1.0, 1e3). JSON.parse has already
 * rounded it, so the JSON reader hands over its text: a string field keeps exactly that text, a number
 * field reads it under the same rules as a CSV cell.
 */
export class NumberLiteral {
  constructor(readonly text: string) {}
}

const TRUE = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'f', 'no', 'n', '0']);
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
/**
 * The one number syntax: an optional sign, decimal digits, an optional fraction and exponent. No hex,
 * binary or octal (0x1A is not 26), no digit separators, no Infinity/NaN, no bare ".5" or "5.".
 */
const DECIMAL = /^[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
/** Real UTC offsets run from -12:00 to +14:00; 14 hours bounds both sides. */
const MAX_OFFSET_MINUTES = 14 * 60;
/** Stored datetimes keep a four-digit year, so they sort as text; year 0 is no year people write. */
const MIN_YEAR = 1;
const MAX_YEAR = 9999;

const fail = (code: string, message: string): Coerced => ({ ok: false, code, message });

/** Absent: no cell, an empty CSV cell, or JSON null. */
export function isAbsent(raw: unknown): boolean {
  return raw === undefined || raw === null || raw === '';
}

/** Milliseconds since the epoch of a UTC wall time; setUTCFullYear keeps years 1-99 (Date.UTC maps them to 19xx). */
function utcTime(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): Date {
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  t.setUTCHours(h, mi, s, ms);
  return t;
}

function validDay(y: number, m: number, d: number): boolean {
  if (y < MIN_YEAR || y > MAX_YEAR) return false;
  const t = utcTime(y, m, d);
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** Minutes east of UTC of a zone such as Z, +05:30, -0800; null when no real offset (+99:99). */
function offsetMinutes(zone: string | undefined): number | null {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4));
  const total = hours * 60 + minutes;
  if (minutes > 59 || total > MAX_OFFSET_MINUTES) return null;
  return zone.startsWith('-') ? -total : total;
}

function inRange(t: Date): boolean {
  const y = t.getUTCFullYear();
  return Number.isFinite(t.getTime()) && y >= MIN_YEAR && y <= MAX_YEAR;
}

/**
 * ISO 8601 to UTC ISO; a time without a zone is read as UTC. Null when it is no valid date-time:
 * an impossible day or time, an offset past 14 hours or 59 minutes, a year outside 0001-9999 (also
 * after conversion to UTC, so every stored value has the same shape and sorts as text).
 */
export function parseDateTime(raw: unknown): string | null {
  if (raw instanceof NumberLiteral) raw = Number(raw.text);
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw) || Math.abs(raw) >= 8.64e15) return null;
    const t = new Date(raw);
    return inRange(t) ? t.toISOString() : null;
  }
  if (typeof raw !== 'string') return null;
  const m = DATETIME.exec(raw.trim());
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = m;
  if (!validDay(+y, +mo, +d) || +h > 23 || +mi > 59 || +s > 59) return null;
  const offset = offsetMinutes(zone);
  if (offset === null) return null;
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  const t = utcTime(+y, +mo, +d, +h, +mi, +s, ms);
  t.setTime(t.getTime() - offset * 60_000);
  return inRange(t) ? t.toISOString() : null;
}

function describe(raw: unknown): string {
  const text = raw instanceof NumberLiteral ? raw.text : typeof raw === 'string' ? raw : JSON.stringify(raw);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const tooLarge = (raw: unknown): Coerced =>
  fail(
    'NUMBER_TOO_LARGE',
    `"${describe(raw)}" is past ${Number.MAX_SAFE_INTEGER} and cannot be kept exactly as a number: make the field a string (account numbers and ids are text)`
  );

/**
 * A number written as text (a CSV cell, or a JSON literal). Spaces around it are ignored; an integer
 * written out digit by digit must fit in 2^53, in a number field too, since every digit was meant;
 * scientific notation in a number field is read as the double it names.
 */
function numberFromText(raw: string | NumberLiteral, integer: boolean): Coerced {
  const text = (typeof raw === 'string' ? raw : raw.text).trim();
  if (!DECIMAL.test(text)) {
    return fail('NOT_A_NUMBER', `"${describe(raw)}" is not a number (decimal digits, e.g. -12.5 or 3e2)`);
  }
  const n = Number(text);
  if (!Number.isFinite(n)) return tooLarge(raw);
  const written = !/[eE]/.test(text);
  if ((integer || written) && Math.abs(n) > Number.MAX_SAFE_INTEGER) return tooLarge(raw);
  if (integer && !Number.isInteger(n)) {
    return fail('NOT_AN_INTEGER', `"${describe(raw)}" is not a whole number`);
  }
  return { ok: true, value: n === 0 ? 0 : n }; // no -0
}

function toNumber(raw: unknown, field: FieldDef): Coerced {
  const integer = field.type === 'integer';
  if (typeof raw === 'string' || raw instanceof NumberLiteral) return numberFromText(raw, integer);
  if (typeof raw !== 'number' || !Number.isFinite(raw)) {
    return fail('NOT_A_NUMBER', `"${describe(raw)}" is not a number`);
  }
  // a JSON number that reaches here is exactly what the file says (the reader marks any other)
  if (integer && !Number.isInteger(raw))
    return fail('NOT_AN_INTEGER', `"${describe(raw)}" is not a whole number`);
  if (integer && Math.abs(raw) > Number.MAX_SAFE_INTEGER) return tooLarge(raw);
  return { ok: true, value: raw === 0 ? 0 : raw };
}

/** Checks one present value against its field and returns it typed as the schema says. */
export function coerce(raw: unknown, field: FieldDef): Coerced {
  if (typeof raw === 'object' && raw !== null && !(raw instanceof NumberLiteral)) {
    return fail(
      'TYPE_MISMATCH',
      `expected a ${field.type}, found ${Array.isArray(raw) ? 'a list' : 'an object'}`
    );
  }
  switch (field.type) {
    case 'string': {
      // a JSON number is kept as its literal text: an account number stays digit for digit
      const value = typeof raw === 'string' ? raw : raw instanceof NumberLiteral ? raw.text : String(raw);
      if (field.enum && !field.enum.includes(value)) {
        return fail('NOT_IN_ENUM', `"${describe(value)}" is not one of ${field.enum.join(', ')}`);
      }
      return { ok: true, value };
    }
    case 'number':
    case 'integer':
      return toNumber(raw, field);
    case 'boolean': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      const text = (raw instanceof NumberLiteral ? raw.text : String(raw)).trim().toLowerCase();
      if (TRUE.has(text)) return { ok: true, value: true };
      if (FALSE.has(text)) return { ok: true, value: false };
      return fail('NOT_A_BOOLEAN', `"${describe(raw)}" is not true or false`);
    }
    case 'date': {
      const text = typeof raw === 'string' ? raw.trim() : '';
      const m = DATE.exec(text);
      if (m && validDay(+m[1], +m[2], +m[3])) return { ok: true, value: text };
      const dt = m ? null : parseDateTime(raw);
      if (dt && typeof raw === 'string') return { ok: true, value: dt.slice(0, 10) };
      return fail('NOT_A_DATE', `"${describe(raw)}" is not a date (YYYY-MM-DD, years 0001-9999)`);
    }
    case 'datetime': {
      const dt = parseDateTime(raw);
      if (dt) return { ok: true, value: dt };
      return fail('NOT_A_DATETIME', `"${describe(raw)}" is not an ISO 8601 date-time`);
    }
  }
}
