// How a record's values are stored (records.data): a JSON array in its schema's field order, null where
// the record has no value, rather than an object keyed by field path. A schema's fields never change
// once it exists (only their labels do), so the position names the field; the keys were most of every
// row (a 10-field record: 300 bytes keyed, 120 as values), and a million of them did not fit in a
// sandbox. Every reader and writer of records.data goes through this file.
import { all } from '../db/sql';
import type { Database } from '../db/sqlite';
import type { SchemaDef } from '../types';

const pathsByDef = new Map<string, readonly string[]>();
const MAX_CACHED = 64;

/** The field paths a dataset's records hold their values for, in order: its schema's fields. */
export function recordPaths(def: string): readonly string[] {
  let paths = pathsByDef.get(def);
  if (!paths) {
    paths = (JSON.parse(def) as SchemaDef).fields.map((f) => f.path);
    if (pathsByDef.size >= MAX_CACHED) pathsByDef.clear();
    pathsByDef.set(def, paths);
  }
  return paths;
}

/**
 * A record's values as stored: one entry per field in `paths`, trailing fields without a value left
 * off. Values come from the row mapper, so every key is one of `paths`; anything else is a bug that
 * would lose the value, and throws. What decodeRecord reads back from the text encodeValues writes.
 */
export function recordValues(paths: readonly string[], attrs: Record<string, unknown>): unknown[] {
  const values: unknown[] = new Array<unknown>(paths.length);
  let held = 0;
  let end = 0;
  for (let i = 0; i < paths.length; i++) {
    const v = attrs[paths[i]];
    if (v === undefined || v === null) values[i] = null;
    else {
      values[i] = v;
      held++;
      end = i + 1;
    }
  }
  let keys = 0;
  for (const k in attrs) if (attrs[k] !== undefined && attrs[k] !== null) keys++;
  if (keys !== held) throw new Error('A record holds a field its schema does not have.');
  values.length = end;
  return values;
}

/** The text records.data holds for a record's values (recordValues). */
export function encodeValues(values: readonly unknown[]): string {
  return JSON.stringify(values);
}

export function encodeRecord(paths: readonly string[], attrs: Record<string, unknown>): string {
  return encodeValues(recordValues(paths, attrs));
}

/**
 * A stored record's values by field path (null-prototype: a path such as "__proto__" is a key like
 * any other). An object, as sandboxes saved before format 11 stored it, reads as it is; anything else
 * a hand-made file may hold reads as no values rather than breaking the reader.
 */
export function decodeRecord(paths: readonly string[], data: string): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return out;
  }
  if (Array.isArray(parsed)) {
    const n = Math.min(parsed.length, paths.length);
    for (let i = 0; i < n; i++) {
      const v: unknown = parsed[i];
      if (v !== null && v !== undefined) out[paths[i]] = v;
    }
  } else if (parsed && typeof parsed === 'object') {
    for (const [k, v] of Object.entries(parsed)) if (v !== null) out[k] = v;
  }
  return out;
}

/**
 * Picks some fields' values out of stored records, for a reader of many (the audience snapshot): where
 * each wanted path sits in a layout is worked out once per layout, and a record's values are read by
 * position without building an object of them. Reads what decodeRecord reads.
 */
export class FieldPicker {
  private readonly positions = new Map<readonly string[], Int32Array>();

  constructor(private readonly wanted: readonly string[]) {}

  /**
   * Sets out[i] to the record's value of wanted[i] wherever out[i] is still undefined and the record
   * has a value for it (null is no value). Returns how many it set.
   */
  fill(paths: readonly string[], data: string | readonly unknown[], out: unknown[]): number {
    let parsed: unknown = data;
    // values a writer still holds are what their text would parse to (recordValues)
    if (typeof data === 'string')
      try {
        parsed = JSON.parse(data);
      } catch {
        return 0;
      }
    const { wanted } = this;
    let set = 0;
    if (Array.isArray(parsed)) {
      const at = this.positionsIn(paths);
      for (let i = 0; i < wanted.length; i++) {
        const p = at[i];
        if (p < 0 || p >= parsed.length || out[i] !== undefined) continue;
        const v: unknown = parsed[p];
        if (v === null || v === undefined) continue;
        out[i] = v;
        set++;
      }
    } else if (parsed && typeof parsed === 'object') {
      for (let i = 0; i < wanted.length; i++) {
        if (out[i] !== undefined || !Object.hasOwn(parsed, wanted[i])) continue;
        const v = (parsed as Record<string, unknown>)[wanted[i]];
        if (v === null || v === undefined) continue;
        out[i] = v;
        set++;
      }
    }
    return set;
  }

  private positionsIn(paths: readonly string[]): Int32Array {
    let at = this.positions.get(paths);
    if (!at) {
      const index = new Map(paths.map((p, i) => [p, i]));
      at = Int32Array.from(this.wanted, (w) => index.get(w) ?? -1);
      this.positions.set(paths, at);
    }
    return at;
  }
}

/** Every dataset's field paths, by dataset id: read once by a reader of many records. */
export function recordLayouts(db: Database): Map<string, readonly string[]> {
  const rows = all<{ id: string; def: string }>(db, {
    sql: 'SELECT d.id, s.def FROM datasets d JOIN schemas s ON s.id = d.schema_id'
  });
  return new Map(rows.map((r) => [r.id, recordPaths(r.def)]));
}

/** A dataset as SQL reads its records' values: its id and its schema's field paths. */
export interface RecordLayout {
  id: string;
  paths: readonly string[];
}

/**
 * SQL for one field of the record aliased `alias`, whichever of `layouts` it belongs to (SQLite's
 * json_extract at the field's position; NULL for a dataset without the field). `bind` binds a value
 * and returns its placeholder.
 */
export function recordFieldSql(
  alias: string,
  layouts: readonly RecordLayout[],
  path: string,
  bind: (v: string) => string
): string {
  const arms: string[] = [];
  for (const l of layouts) {
    const i = l.paths.indexOf(path);
    if (i >= 0) arms.push(`WHEN ${bind(l.id)} THEN '$[${i}]'`);
  }
  if (!arms.length) return 'NULL';
  return `json_extract(${alias}.data, CASE ${alias}.dataset_id ${arms.join(' ')} END)`;
}
