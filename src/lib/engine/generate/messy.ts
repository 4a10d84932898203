// The messiness dial: what real exports get wrong. Two kinds of bad value, counted apart:
// - refused: a value ingestion rejects, so the row fails and the batch report counts it (a number
//   field reading "N/A", a date written 03/15/1985, a tier outside its list, a required value missing,
//   a record whose only identity is a placeholder such as test@test.com or all zeros). The dial's share
//   of records gets exactly one of these: at 10%, 10% of the rows fail.
// - flawed: a value ingestion cannot tell from a good one, stored as sent (a junk id next to a good
//   one, which links nothing; a malformed email; a birth date in the future). Half the dial's share
//   of the other records gets one.
import type { FieldDef, NamespaceType, SchemaDef } from '../types';
import { fieldName } from './fields';
import { DAY, isoDate, isoDateTime, type Random } from './random';

type Row = Record<string, unknown>;

/** The record time of a row (../ingest/rowMapper.ts): a future one would reorder merges, not just look odd. */
const TIME_FIELD = /(^|\.)(timestamp|lastUpdated|updatedAt|lastModified|modifyDate)$/i;
/** Dates that can only be in the past. */
const PAST_ONLY = /birth|^dob$|join|open|since|created|signup|member|enrol|first|last(purchase|order|visit)/;
/** Junk a sandbox may unblock; all-zero ids are junk whatever its settings say. */
const LISTED_JUNK = { email: 'test@test.com', person: ['unknown', 'anonymous'] } as const;
const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

export type RefusedKind = 'type' | 'enum' | 'required' | 'junk';
export type FlawKind = 'junkBeside' | 'badEmail' | 'futureDate';

/** The namespace types of a sandbox, by code, and the junk values it blocks (trimmed, lower-cased). */
export interface MessContext {
  typeOf: (namespace: string) => NamespaceType | undefined;
  blocked: ReadonlySet<string>;
  now: number;
}

export class Mess {
  private readonly typed: FieldDef[];
  private readonly enums: FieldDef[];
  private readonly required: FieldDef[];
  private readonly identities: FieldDef[];
  private readonly pastDates: FieldDef[];
  private readonly emails: FieldDef[];

  constructor(
    schema: SchemaDef,
    private readonly ctx: MessContext
  ) {
    const plain = schema.fields.filter((f) => !f.identity);
    // only a string field's list is checked by ingestion (../ingest/values.ts): other types get a wrong type
    this.typed = plain.filter((f) => f.type !== 'string');
    this.enums = plain.filter((f) => f.type === 'string' && f.enum?.length);
    this.required = plain.filter((f) => f.required);
    this.identities = schema.fields.filter((f) => f.identity && f.type === 'string');
    this.pastDates = plain.filter(
      (f) =>
        (f.type === 'date' || f.type === 'datetime') &&
        !TIME_FIELD.test(f.path) &&
        PAST_ONLY.test(fieldName(f))
    );
    this.emails = schema.fields.filter(
      (f) =>
        f.type === 'string' &&
        !f.enum &&
        (f.identity ? ctx.typeOf(f.identity.namespace) === 'email' : /email/.test(fieldName(f))) &&
        !/sha|hash/.test(fieldName(f))
    );
  }

  /** Gives the record one value ingestion refuses; returns what it did. */
  refuse(record: Row, rng: Random): RefusedKind {
    const present = (fs: FieldDef[]) => fs.filter((f) => record[f.path] !== undefined);
    const typed = present(this.typed);
    const enums = present(this.enums);
    const required = present(this.required);
    const kinds: [RefusedKind, number][] = [];
    if (typed.length) kinds.push(['type', 45]);
    if (enums.length) kinds.push(['enum', 20]);
    if (required.length) kinds.push(['required', 10]);
    kinds.push(['junk', 25]);
    let x = rng.float() * kinds.reduce((a, [, w]) => a + w, 0);
    const kind = kinds.find(([, w]) => (x -= w) < 0)?.[0] ?? 'junk';
    switch (kind) {
      case 'type': {
        const f = rng.pick(typed);
        record[f.path] = wrongType(f, record[f.path], rng);
        break;
      }
      case 'enum': {
        const f = rng.pick(enums);
        record[f.path] = offList(f, String(record[f.path]), rng);
        break;
      }
      case 'required':
        delete record[rng.pick(required).path];
        break;
      case 'junk':
        // every identity the record carries becomes a placeholder: no usable identity is left
        for (const f of this.identities) {
          if (record[f.path] !== undefined) record[f.path] = this.junkFor(f, rng);
        }
        break;
    }
    return kind;
  }

  /** Gives the record one flaw ingestion stores as sent, if it has a field for one. */
  flaw(record: Row, rng: Random): FlawKind | null {
    const kinds: FlawKind[] = [];
    const beside = this.identities.filter(
      (f) => !f.identity!.primary && !f.required && this.usableWithout(record, f)
    );
    const emails = this.emails.filter((f) => typeof record[f.path] === 'string');
    const dates = this.pastDates.filter((f) => record[f.path] !== undefined || !f.required);
    if (beside.length) kinds.push('junkBeside');
    if (emails.length) kinds.push('badEmail');
    if (dates.length) kinds.push('futureDate');
    if (!kinds.length) return null;
    const kind = rng.pick(kinds);
    if (kind === 'junkBeside') {
      const f = rng.pick(beside);
      record[f.path] = this.junkFor(f, rng);
    } else if (kind === 'badEmail') {
      const f = rng.pick(emails);
      record[f.path] = malformed(record[f.path] as string, rng);
    } else {
      const f = rng.pick(dates);
      const ms = this.ctx.now + rng.int(3, 400) * DAY + rng.int(0, DAY / 1000 - 1) * 1000;
      record[f.path] = f.type === 'date' ? isoDate(ms) : isoDateTime(ms);
    }
    return kind;
  }

  /** The record keeps a usable linking identity other than this field. */
  private usableWithout(record: Row, field: FieldDef): boolean {
    return this.identities.some((f) => {
      if (f === field || record[f.path] === undefined) return false;
      const type = this.ctx.typeOf(f.identity!.namespace);
      return type !== undefined && type !== 'partner' && type !== 'nonPeople';
    });
  }

  /** A placeholder the sandbox treats as junk: never an identity, never a link. */
  private junkFor(field: FieldDef, rng: Random): string {
    const type = this.ctx.typeOf(field.identity!.namespace);
    const { blocked } = this.ctx;
    if (type === 'email' && blocked.has(LISTED_JUNK.email) && rng.chance(0.8)) return LISTED_JUNK.email;
    if (type === 'cookie' || type === 'device') return rng.chance(0.5) ? ZERO_UUID : '0'.repeat(38);
    if (type === 'phone') return '0000000000';
    const words = LISTED_JUNK.person.filter((w) => blocked.has(w));
    if (words.length && rng.chance(0.6)) {
      const w = rng.pick(words);
      return rng.chance(0.5) ? w : w.toUpperCase();
    }
    return rng.pick(['0', '000000', '00000000']);
  }
}

/** A value of the wrong shape for the field's type, as spreadsheets and hand edits write them. */
function wrongType(field: FieldDef, value: unknown, rng: Random): string {
  switch (field.type) {
    case 'number':
      // a currency sign or unit as a spreadsheet shows it: never a plain decimal
      if (typeof value === 'number' && rng.chance(0.5)) return rng.chance(0.5) ? `$${value}` : `${value} USD`;
      return rng.pick(['N/A', 'n/a', 'unknown', '-', 'twelve', '1.2.3']);
    case 'integer':
      return typeof value === 'number' && rng.chance(0.5)
        ? `${value}.5`
        : rng.pick(['N/A', 'none', 'lots', '1e']);
    case 'boolean':
      return rng.pick(['maybe', 'unsure', '2', 'Y?', 'ja']);
    case 'date': {
      const text = typeof value === 'string' ? value : '1985-03-15';
      const [y, m, d] = text.slice(0, 10).split('-');
      // US and European orders, an impossible day, words
      return rng.pick([`${m}/${d}/${y}`, `${d}.${m}.${y}`, `${y}-02-30`, 'last week']);
    }
    case 'datetime': {
      const text = typeof value === 'string' ? value : '2024-03-15T10:00:00.000Z';
      const [y, m, d] = text.slice(0, 10).split('-');
      return rng.pick([
        `${m}/${d}/${y} 10:24 AM`,
        'yesterday',
        `${y}-13-${d}T10:00:00Z`,
        `${text.slice(0, 10)}T25:00:00Z`
      ]);
    }
    default:
      return 'N/A';
  }
}

/** A value next to the list: another case, a stray space, a typo. */
function offList(field: FieldDef, value: string, rng: Random): string {
  const tries = [value.toUpperCase(), `${value} `, ` ${value}`, `${value}s`, value.slice(0, -1)];
  const start = rng.int(0, tries.length - 1);
  for (let i = 0; i < tries.length; i++) {
    const t = tries[(start + i) % tries.length];
    if (t && !field.enum!.includes(t)) return t;
  }
  return `${value}?`;
}

/** An address a form without validation lets through. */
function malformed(email: string, rng: Random): string {
  const at = email.indexOf('@');
  const local = at > 0 ? email.slice(0, at) : email;
  const domain = at > 0 ? email.slice(at + 1) : 'example.com';
  return rng.pick([
    `${local}@${domain.replace(/\.[^.]+$/, '')}`,
    `${local}.${domain}`,
    `${local}@@${domain}`,
    `${local} @${domain}`,
    `${local}@${domain},`
  ]);
}
