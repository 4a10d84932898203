import type { Database } from '../db/sqlite';
import { all, run } from '../db/sql';
import { CdpError, invalid, notFound, optionalBoolean } from '../errors';
import { checkLabelIds } from '../governance/catalog';
import { CUSTOM_LABEL_ID } from '../governance/labels';
import { newId, nowIso } from '../ids';
import { MAX_PROFILE_ATTRIBUTES } from '../segment/snapshot';
import type { FieldDef, FieldType, Schema, SchemaDef } from '../types';
import { getNamespace } from './namespaces';
import { objectName } from '../names';
import { whilePartnerDataMayChange } from '../profile/profiles';

const FIELD_TYPES: FieldType[] = ['string', 'number', 'integer', 'boolean', 'date', 'datetime'];
const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

interface SchemaRow {
  id: string;
  name: string;
  class: string;
  def: string;
  created_at: string;
}

function fromRow(r: SchemaRow): Schema {
  const def = JSON.parse(r.def) as SchemaDef;
  return { ...def, id: r.id, name: r.name, createdAt: r.created_at };
}

export function listSchemas(db: Database): Schema[] {
  return all<SchemaRow>(db, { sql: 'SELECT * FROM schemas ORDER BY created_at, name' }).map(fromRow);
}

/** By name (case-insensitive) or id. */
export function findSchema(db: Database, nameOrId: string): Schema {
  const r = all<SchemaRow>(db, {
    sql: 'SELECT * FROM schemas WHERE id = ? OR name = ? COLLATE NOCASE',
    params: [nameOrId, nameOrId]
  })[0];
  if (!r) throw notFound('schema', nameOrId);
  return fromRow(r);
}

function checkField(db: Database, f: FieldDef, i: number): FieldDef {
  const where = `Field ${i + 1}${typeof f?.path === 'string' ? ` (${f.path})` : ''}`;
  if (!f || typeof f.path !== 'string' || !PATH.test(f.path)) {
    throw invalid(`${where}: a field path is dot-separated names, e.g. person.name.firstName.`, { field: f });
  }
  if (!FIELD_TYPES.includes(f.type))
    throw invalid(`${where}: type must be one of ${FIELD_TYPES.join(', ')}.`);
  if (f.enum !== undefined) {
    if (f.type !== 'string' || !Array.isArray(f.enum) || f.enum.some((v) => typeof v !== 'string')) {
      throw invalid(`${where}: enum is a list of strings on a string field.`);
    }
  }
  const required = optionalBoolean(f.required, `${where}: required`);
  const primary = f.identity ? optionalBoolean(f.identity.primary, `${where}: identity.primary`) : undefined;
  if (f.identity) {
    const ns = getNamespace(db, f.identity.namespace);
    if (!ns) throw invalid(`${where}: identity namespace "${f.identity.namespace}" does not exist.`);
    if (f.type !== 'string') throw invalid(`${where}: an identity field is a string.`);
  }
  if (f.labels !== undefined && !Array.isArray(f.labels)) {
    throw invalid(`${where}: labels are a list of label ids such as C2, I1 or THIRD_PARTY.`);
  }
  for (const label of f.labels ?? []) {
    if (typeof label !== 'string' || !CUSTOM_LABEL_ID.test(label)) {
      throw invalid(`${where}: label "${String(label)}" is not a label id such as C2, I1 or THIRD_PARTY.`);
    }
  }
  const out: FieldDef = { path: f.path, type: f.type };
  if (f.title) out.title = f.title;
  if (f.enum) out.enum = [...f.enum];
  if (required) out.required = true;
  if (f.identity) {
    const ns = getNamespace(db, f.identity.namespace)!;
    out.identity = { namespace: ns.code, ...(primary ? { primary: true } : {}) };
  }
  if (f.labels?.length) out.labels = checkLabelIds(db, f.labels, where);
  return out;
}

/** The schemas of one class as stored, oldest first: the checks of a new one read them once. */
type ClassSchemas = { name: string; fields: FieldDef[] }[];

function schemasOfClass(db: Database, schemaClass: string): ClassSchemas {
  return all<{ name: string; def: string }>(db, {
    sql: 'SELECT name, def FROM schemas WHERE class = ? ORDER BY rowid',
    params: [schemaClass]
  }).map((r) => ({ name: r.name, fields: (JSON.parse(r.def) as SchemaDef).fields }));
}

/**
 * Refuses a profile schema that would take the sandbox past MAX_PROFILE_ATTRIBUTES distinct profile
 * field paths (over all profile schemas): each is a column of the audience snapshot, and past SQLite's
 * column limit every audience and profile lookup would fail.
 */
function checkAttributeLimit(existing: ClassSchemas, name: string, fields: FieldDef[]): void {
  const paths = new Set(existing.map((s) => s.fields.map((f) => f.path)).flat());
  const before = paths.size;
  for (const f of fields) paths.add(f.path);
  if (paths.size <= MAX_PROFILE_ATTRIBUTES) return;
  const fmt = (n: number) => n.toLocaleString('en-US');
  throw invalid(
    `Schema "${name}" would bring this sandbox to ${fmt(paths.size)} profile attributes (distinct field ` +
      `paths over all profile schemas; ${fmt(before)} today). A sandbox holds at most ` +
      `${fmt(MAX_PROFILE_ATTRIBUTES)}, so that audiences and profile lookups keep working: leave out fields ` +
      'no one reads, or reuse the paths of an existing schema.',
    { schema: name, attributes: paths.size, existing: before, limit: MAX_PROFILE_ATTRIBUTES }
  );
}

/**
 * Refuses a field whose path another schema of the class already has with another type. A path is one
 * attribute of a profile (one column of the audience snapshot) or one field of events, read by one
 * type: a number in one schema and text in another made '"abc"' match 'score > 1000000'.
 */
function checkPathTypes(existing: ClassSchemas, schemaClass: string, fields: FieldDef[]): void {
  const known = new Map<string, { type: string; schema: string }>();
  for (const s of existing)
    for (const f of s.fields) if (!known.has(f.path)) known.set(f.path, { type: f.type, schema: s.name });
  for (const f of fields) {
    const other = known.get(f.path);
    if (other && other.type !== f.type)
      throw invalid(
        `Field "${f.path}" is a ${other.type} in schema "${other.schema}": the same path is the same ` +
          `${schemaClass === 'profile' ? 'profile attribute' : 'event field'} in every schema, so it is a ${other.type} here too (not a ${f.type}).`,
        { path: f.path, type: f.type, existing: other }
      );
  }
}

export function insertSchema(db: Database, def: SchemaDef): Schema {
  if (!def || typeof def !== 'object') throw invalid('A schema is { name, class, fields }.');
  objectName(def.name, 'A schema');
  if (def.class !== 'profile' && def.class !== 'event')
    throw invalid('A schema class is "profile" or "event".');
  if (!Array.isArray(def.fields) || def.fields.length === 0)
    throw invalid('A schema needs at least one field.');
  const fields = def.fields.map((f, i) => checkField(db, f, i));
  const seen = new Set<string>();
  for (const f of fields) {
    if (seen.has(f.path)) throw invalid(`Field path "${f.path}" appears twice.`);
    seen.add(f.path);
  }
  // A path cannot be both a value and a parent of other values (person.name and person.name.first).
  for (const p of seen) {
    const parent = [...seen].find((q) => q !== p && p.startsWith(`${q}.`));
    if (parent) throw invalid(`Field "${parent}" cannot hold a value and also the field "${p}".`);
  }
  if (fields.filter((f) => f.identity?.primary).length > 1)
    throw invalid('A schema has at most one primary identity.');
  if (
    all(db, { sql: 'SELECT 1 FROM schemas WHERE name = ? COLLATE NOCASE', params: [def.name.trim()] }).length
  ) {
    throw new CdpError('already_exists', `A schema named "${def.name.trim()}" already exists.`);
  }
  const existing = schemasOfClass(db, def.class);
  checkPathTypes(existing, def.class, fields);
  if (def.class === 'profile') checkAttributeLimit(existing, def.name.trim(), fields);
  const schema: Schema = {
    id: newId('schema'),
    name: def.name.trim(),
    class: def.class,
    fields,
    createdAt: nowIso(),
    ...(def.description ? { description: def.description } : {})
  };
  const stored: SchemaDef = { name: schema.name, class: schema.class, fields, description: def.description };
  run(db, {
    sql: 'INSERT INTO schemas (id, name, class, def, created_at) VALUES (?,?,?,?,?)',
    params: [schema.id, schema.name, schema.class, JSON.stringify(stored), schema.createdAt]
  });
  return schema;
}

/**
 * Adds and removes labels on several fields of a schema at once (the schema editor's bulk action).
 * Labels are governance metadata: data already ingested is untouched, and every later read (profiles,
 * policy evaluation) sees the new labels.
 */
export function labelSchemaFields(
  db: Database,
  nameOrId: string,
  change: { fields: string[]; add?: string[]; remove?: string[] }
): Schema {
  const schema = findSchema(db, nameOrId);
  if (!change || !Array.isArray(change.fields) || change.fields.length === 0) {
    throw invalid('Choose the fields to label: { fields: [paths], add?: [labels], remove?: [labels] }.');
  }
  const add = checkLabelIds(db, change.add ?? [], `Schema "${schema.name}"`);
  const remove = new Set(checkLabelIds(db, change.remove ?? [], `Schema "${schema.name}"`));
  const paths = new Set(schema.fields.map((f) => f.path));
  for (const p of change.fields) {
    if (typeof p !== 'string' || !paths.has(p)) {
      throw invalid(`Schema "${schema.name}" has no field "${String(p)}".`, { field: p });
    }
  }
  const chosen = new Set(change.fields);
  const fields = schema.fields.map((f) => {
    if (!chosen.has(f.path)) return f;
    const labels = [...new Set([...(f.labels ?? []).filter((l) => !remove.has(l)), ...add])];
    const out: FieldDef = { ...f };
    if (labels.length) out.labels = labels;
    else delete out.labels;
    return out;
  });
  const { id: _id, createdAt: _createdAt, ...def } = schema;
  whilePartnerDataMayChange(db, () =>
    run(db, {
      sql: 'UPDATE schemas SET def = ? WHERE id = ?',
      params: [JSON.stringify({ ...def, fields }), schema.id]
    })
  );
  return findSchema(db, schema.id);
}
