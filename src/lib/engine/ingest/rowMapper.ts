// The first stage of ingestion, pure: one raw record (source columns to raw values) becomes typed
// attributes by field path, a record time, and the identities it carries, or the row errors that say
// why not. No database here: ./batchWriter.ts stores what this returns.
import { sortShort } from '../sortShort';
import { isJunk, normalizeIdentity } from '../identity/normalize';
import type { FieldDef, Namespace, RowError, Schema } from '../types';
import type { RawRecord } from './reader';
import { coerce, isAbsent } from './values';

/** Identities one record may link (Adobe caps them per record too); the rest stay on it as attributes. */
export const MAX_IDENTITIES_PER_RECORD = 20;
/** Phone warnings listed per batch; past this they are not listed one by one. */
export const MAX_PHONE_WARNINGS = 1_000;
const TIME_FIELD = /(^|\.)(timestamp|lastUpdated|updatedAt|lastModified|modifyDate)$/i;

export interface IdentityCandidate {
  ns: Namespace;
  /** Normalised: the form identities are stored, linked and looked up in */
  value: string;
  primary: boolean;
}

export interface MappedRow {
  row: number;
  /** By field path; null-prototype, so a "__proto__" path is an ordinary key */
  attrs: Record<string, unknown>;
  ts: string;
  /** Primary first, then by namespace priority; at most MAX_IDENTITIES_PER_RECORD of them link */
  identities: IdentityCandidate[];
  /** The identity that keys the record's fragment */
  key: IdentityCandidate;
  /** Linking identities past the cap, left out of the graph */
  capped: number;
}

export type MapResult = { ok: true; row: MappedRow } | { ok: false; errors: RowError[] };

export interface MapperOptions {
  schema: Schema;
  mapping?: Record<string, string>;
  namespaces: Map<string, Namespace>;
  blocked: ReadonlySet<string>;
  /** Record time of rows without a time field of their own */
  batchTime: string;
  defaultCountry?: string;
}

export class RowMapper {
  /** File-level findings: unmapped columns, two columns feeding one field */
  readonly warnings: RowError[] = [];
  private readonly byPath: Map<string, FieldDef>;
  private readonly byLowerPath: Map<string, FieldDef>;
  private readonly columnOf = new Map<string, FieldDef | null>();
  /** field path -> the source columns that feed it, in the order first seen */
  private readonly sourcesOf = new Map<string, string[]>();
  private readonly timeField: FieldDef | undefined;
  private readonly identityFields: FieldDef[];
  private readonly required: FieldDef[];
  private readonly primaryField: FieldDef | undefined;
  /** Whether two source columns feed one field: only then can a row give a field two values */
  private collisions = false;
  private phoneWarnings = 0;
  /** The mapping's source columns as the file's header is read (trimmed), then in any case */
  private readonly mappedAs = new Map<string, string>();
  private readonly mappedLower = new Map<string, string>();
  /** The mapping's keys a column of the file matched */
  private readonly mappingUsed = new Set<string>();

  constructor(private readonly o: MapperOptions) {
    const fields = o.schema.fields;
    this.byPath = new Map(fields.map((f) => [f.path, f]));
    this.byLowerPath = new Map(fields.map((f) => [f.path.toLowerCase(), f]));
    this.timeField = fields.find((f) => f.type === 'datetime' && TIME_FIELD.test(f.path));
    this.identityFields = fields.filter((f) => f.identity);
    this.required = fields.filter((f) => f.required);
    this.primaryField = this.identityFields.find((f) => f.identity?.primary);
    for (const key of Object.keys(o.mapping ?? {})) {
      const k = key.trim();
      if (!this.mappedAs.has(k)) this.mappedAs.set(k, key);
      if (!this.mappedLower.has(k.toLowerCase())) this.mappedLower.set(k.toLowerCase(), key);
    }
  }

  /**
   * The mapping's key for a column: as written, else as the header is read (trimmed: a mapping keyed
   * " Email " meets the column "Email"), else in any case, as a column meets a field's path.
   */
  private mappingKey(column: string): string | undefined {
    const m = this.o.mapping;
    if (!m) return undefined;
    if (Object.hasOwn(m, column)) return column;
    const c = column.trim();
    return this.mappedAs.get(c) ?? this.mappedLower.get(c.toLowerCase());
  }

  /**
   * Warnings for the mapping's keys no column of the file matched: what they name was not stored
   * from them. Called once the file's columns are all known.
   */
  unusedMappings(): void {
    for (const key of Object.keys(this.o.mapping ?? {}))
      if (!this.mappingUsed.has(key))
        this.warnings.push({
          row: 0,
          column: key,
          code: 'MAPPING_UNUSED',
          message: `The mapping sends "${key}" to "${this.o.mapping![key]}", but the file has no such column: nothing was stored from it.`
        });
  }

  /** The field a source column feeds: a mapping's target, else the path of that name (any case). */
  resolve(column: string): FieldDef | null {
    let field = this.columnOf.get(column);
    if (field !== undefined) return field;
    const key = this.mappingKey(column);
    if (key !== undefined) this.mappingUsed.add(key);
    const mapped = key !== undefined ? this.o.mapping![key] : undefined;
    field =
      (mapped !== undefined
        ? this.byPath.get(mapped)
        : (this.byPath.get(column) ?? this.byLowerPath.get(column.toLowerCase()))) ?? null;
    this.columnOf.set(column, field);
    if (!field) {
      this.warnings.push({
        row: 0,
        column,
        code: 'UNMAPPED_COLUMN',
        message: `"${column}" matches no field of schema "${this.o.schema.name}"; its values were not stored.`
      });
      return null;
    }
    const sources = this.sourcesOf.get(field.path);
    if (!sources) this.sourcesOf.set(field.path, [column]);
    else {
      sources.push(column);
      this.collisions = true;
      this.warnings.push({
        row: 0,
        column,
        code: 'COLUMN_COLLISION',
        message: `"${column}" and "${sources[0]}" both feed ${field.path}: a row where they differ is an error.`
      });
    }
    return field;
  }

  private sourceColumn(path: string): string {
    return this.sourcesOf.get(path)?.[0] ?? path;
  }

  map(rec: RawRecord): MapResult {
    const { row } = rec;
    if (!rec.values) return { ok: false, errors: [rec.error!] };
    const attrs = Object.create(null) as Record<string, unknown>;
    // field path -> the column whose value it holds, kept only where two columns may feed one field;
    // it and the failed set are made only when needed (a million rows made millions of them)
    const collisions = this.collisions;
    const fedBy = collisions ? new Map<string, string>() : null;
    const errors: RowError[] = [];
    let failed: Set<string> | null = null;
    for (const column in rec.values) {
      const field = this.resolve(column);
      const raw = rec.values[column];
      if (!field || isAbsent(raw)) continue;
      const c = coerce(raw, field);
      if (!c.ok) {
        errors.push({ row, column, code: c.code, message: `${field.path}: ${c.message}` });
        (failed ??= new Set()).add(field.path);
        continue;
      }
      const other = fedBy?.get(field.path);
      if (other !== undefined && !sameValue(attrs[field.path], c.value)) {
        errors.push({
          row,
          column,
          code: 'CONFLICTING_VALUES',
          message: `${field.path}: "${column}" and "${other}" give it different values`
        });
        (failed ??= new Set()).add(field.path);
        continue;
      }
      attrs[field.path] = c.value;
      fedBy?.set(field.path, column);
    }
    // the row's own columns showed the first collision: map it again, now minding which column fed what
    if (!collisions && this.collisions) return this.map(rec);
    for (const f of this.required) {
      if (attrs[f.path] === undefined && !failed?.has(f.path)) {
        errors.push({
          row,
          column: this.sourceColumn(f.path),
          code: 'REQUIRED',
          message: `${f.path} is required`
        });
      }
    }
    const ts = (this.timeField && (attrs[this.timeField.path] as string | undefined)) || this.o.batchTime;
    const { identities, capped } = this.identitiesOf(row, attrs);
    if (identities.length === 0) errors.push(this.noIdentity(row));
    if (errors.length) return { ok: false, errors };
    const key =
      identities.find((c) => c.primary) ?? identities.find((c) => c.ns.linksRecords) ?? identities[0];
    return { ok: true, row: { row, attrs, ts, identities, key, capped } };
  }

  /**
   * The record's usable identities, once each: primary first, then by namespace priority (column order
   * within one). Only the first MAX_IDENTITIES_PER_RECORD linking ones are kept; the others stay in the
   * attributes and never become identities (an identity of its own would be an empty profile).
   */
  private identitiesOf(
    row: number,
    attrs: Record<string, unknown>
  ): { identities: IdentityCandidate[]; capped: number } {
    const { namespaces, blocked, defaultCountry } = this.o;
    const found: IdentityCandidate[] = [];
    let linking = 0;
    for (const f of this.identityFields) {
      const v = attrs[f.path];
      const ns = namespaces.get(f.identity!.namespace);
      if (typeof v !== 'string' || !ns || isJunk(v, blocked)) continue;
      const value = normalizeIdentity(ns, v, defaultCountry);
      if (ns.type === 'phone' && !/sha256/i.test(ns.code)) this.checkPhone(row, f.path, v, value);
      if (!value || isJunk(value, blocked) || holds(found, ns, value)) continue;
      found.push({ ns, value, primary: !!f.identity!.primary });
      if (ns.linksRecords) linking++;
    }
    sortShort(found, byPrimaryThenPriority); // stable: column order within one priority
    if (linking <= MAX_IDENTITIES_PER_RECORD) return { identities: found, capped: 0 };
    let kept = 0;
    let capped = 0;
    const identities = found.filter((c) => {
      if (!c.ns.linksRecords) return true;
      if (kept < MAX_IDENTITIES_PER_RECORD) return ++kept > 0;
      capped++;
      return false;
    });
    return { identities, capped };
  }

  /**
   * A phone that did not become E.164 is worth a row warning: with no digit it is no identity at all;
   * one libphonenumber cannot read as a possible number links only with the same spelling.
   */
  private checkPhone(row: number, path: string, raw: string, value: string): void {
    if (value.startsWith('+') || this.phoneWarnings >= MAX_PHONE_WARNINGS) return;
    this.phoneWarnings++;
    const column = this.sourceColumn(path);
    this.warnings.push(
      value === ''
        ? {
            row,
            column,
            code: 'PHONE_NO_DIGITS',
            message: `${path}: "${raw}" has no digits, so it is no identity`
          }
        : {
            row,
            column,
            code: 'PHONE_NOT_POSSIBLE',
            message: `${path}: "${raw}" is no possible phone number in ${this.o.defaultCountry ?? 'US'}: it links only with the same spelling`
          }
    );
  }

  private noIdentity(row: number): RowError {
    const column = this.primaryField ? this.sourceColumn(this.primaryField.path) : undefined;
    const paths = this.identityFields.map((f) => f.path).join(', ');
    return {
      row,
      ...(column ? { column } : {}),
      code: 'NO_IDENTITY',
      message: paths
        ? `no usable identity: ${paths} ${this.identityFields.length > 1 ? 'are' : 'is'} empty or blocked values`
        : 'no usable identity: the schema has no identity field'
    };
  }
}

const rankOf = (c: IdentityCandidate) => (c.primary ? -Infinity : c.ns.priority);
const byPrimaryThenPriority = (a: IdentityCandidate, b: IdentityCandidate) => rankOf(a) - rankOf(b);

/** Whether the record already has this identity: the same namespace code and value. */
function holds(found: readonly IdentityCandidate[], ns: Namespace, value: string): boolean {
  for (const c of found) if (c.value === value && c.ns.code === ns.code) return true;
  return false;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'object' && JSON.stringify(a) === JSON.stringify(b));
}
