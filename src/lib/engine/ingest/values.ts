import type { FieldDef } from '../types';

export type Coerced = { ok: true; value: unknown } | { ok: false; code: string; message: string };

const TRUE = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'f', 'no', 'n', '0']);
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

const fail = (code: string, message: string): Coerced => ({ ok: false, code, message });

/** Absent: no cell, an empty CSV cell, or JSON null. */
export function isAbsent(raw: unknown): boolean {
  return raw === undefined || raw === null || raw === '';
}

function validDay(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** ISO 8601 to UTC ISO; a time without a zone is read as UTC. Null when it is no valid date-time. */
export function parseDateTime(raw: unknown): string | null {
  if (typeof raw === 'number') {
    return Number.isFinite(raw) && Math.abs(raw) < 8.64e15 ? new Date(raw).toISOString() : null;
  }
  if (typeof raw !== 'string') return null;
  const m = DATETIME.exec(raw.trim());
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = m;
  if (!validDay(+y, +mo, +d) || +h > 23 || +mi > 59 || +s > 59) return null;
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  let t = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, ms);
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  return new Date(t).toISOString();
}

function describe(raw: unknown): string {
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Checks one present value against its field and returns it typed as the schema says. */
export function coerce(raw: unknown, field: FieldDef): Coerced {
  if (typeof raw === 'object' && raw !== null) {
    return fail(
      'TYPE_MISMATCH',
      `expected a ${field.type}, found ${Array.isArray(raw) ? 'a list' : 'an object'}`
    );
  }
  switch (field.type) {
    case 'string': {
      const value = typeof raw === 'string' ? raw : String(raw);
      if (field.enum && !field.enum.includes(value)) {
        return fail('NOT_IN_ENUM', `"${describe(value)}" is not one of ${field.enum.join(', ')}`);
      }
      return { ok: true, value };
    }
    case 'number':
    case 'integer': {
      const n =
        typeof raw === 'number'
          ? raw
          : typeof raw === 'string' && raw.trim() !== ''
            ? Number(raw.trim())
            : NaN;
      if (!Number.isFinite(n)) return fail('NOT_A_NUMBER', `"${describe(raw)}" is not a number`);
      if (field.type === 'integer' && !Number.isInteger(n)) {
        return fail('NOT_AN_INTEGER', `"${describe(raw)}" is not a whole number`);
      }
      return { ok: true, value: n };
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      const text = String(raw).trim().toLowerCase();
      if (TRUE.has(text)) return { ok: true, value: true };
      if (FALSE.has(text)) return { ok: true, value: false };
      return fail('NOT_A_BOOLEAN', `"${describe(raw)}" is not true or false`);
    }
    case 'date': {
      const text = typeof raw === 'string' ? raw.trim() : '';
      const m = DATE.exec(text);
      if (m && validDay(+m[1], +m[2], +m[3])) return { ok: true, value: text };
      const dt = parseDateTime(raw);
      if (dt && typeof raw === 'string') return { ok: true, value: dt.slice(0, 10) };
      return fail('NOT_A_DATE', `"${describe(raw)}" is not a date (YYYY-MM-DD)`);
    }
    case 'datetime': {
      const dt = parseDateTime(raw);
      if (dt) return { ok: true, value: dt };
      return fail('NOT_A_DATETIME', `"${describe(raw)}" is not an ISO 8601 date-time`);
    }
  }
}
