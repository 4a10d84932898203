// A saved .sqlite file comes from elsewhere: a trigger in it would run on the next ingest, a view or an
// altered table would feed the engine data it never wrote. Before a file is migrated and opened, its
// schema is compared with the one the same migrations give a fresh database at the file's format version.
import { CdpError } from '../errors';
import { MAX_SANDBOX_BYTES } from '../types';
import { migrate, SCHEMA_VERSION } from './migrations';
import { sqlTokens } from './readonly';
import { openDatabase, type Database } from './sqlite';

export { MAX_SANDBOX_BYTES };

/** MiB to a tenth, rounded up: a file one byte over the limit does not read as the limit itself. */
const mib = (bytes: number) =>
  (Math.ceil((bytes / 2 ** 20) * 10) / 10).toLocaleString('en-US', { maximumFractionDigits: 1 });

/** Refuses bytes past MAX_SANDBOX_BYTES before sql.js copies them into its memory. */
export function checkSandboxSize(byteLength: number): void {
  if (byteLength <= MAX_SANDBOX_BYTES) return;
  throw new CdpError(
    'invalid_sandbox',
    `This file is ${mib(byteLength)} MiB; a sandbox file can be at most ${mib(MAX_SANDBOX_BYTES)} MiB, because the whole database is held in memory: it was not opened.`,
    { size: byteLength, limit: MAX_SANDBOX_BYTES }
  );
}

/** One row of sqlite_master: what a database defines. */
export interface SchemaObject {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

export interface SandboxProblem {
  kind: 'version' | 'trigger' | 'view' | 'unknown' | 'missing' | 'altered';
  /** A sentence: "This file holds a view "v", which a Pocket CDP sandbox never has." */
  message: string;
  name?: string;
  table?: string;
}

export function userVersion(db: Database): number {
  return Number(db.exec('PRAGMA user_version')[0]?.values[0]?.[0] ?? 0);
}

export function schemaObjects(db: Database): SchemaObject[] {
  // triggers first, then views, tables and indexes: the first problem found is the one the message names
  const result = db.exec(
    `SELECT type, name, tbl_name, sql FROM sqlite_master
      ORDER BY CASE type WHEN 'trigger' THEN 0 WHEN 'view' THEN 1 WHEN 'table' THEN 2 ELSE 3 END, name`
  )[0];
  return (result?.values ?? []).map(([type, name, tbl_name, sql]) => ({
    type: String(type),
    name: String(name),
    tbl_name: String(tbl_name),
    sql: sql === null ? null : String(sql)
  }));
}

/**
 * Tables SQLite makes by itself: sqlite_sequence (AUTOINCREMENT; it stays when its last table is
 * dropped) and sqlite_stat* (ANALYZE). Left out of the comparison on both sides.
 */
function sqliteOwn(o: SchemaObject): boolean {
  return o.type === 'table' && /^sqlite_(sequence|stat[1-4])$/.test(o.name);
}

let references: Promise<Map<number, SchemaObject[]>> | undefined;

/** The schema of every format version: a fresh database migrated one version at a time. */
async function referenceSchemas(): Promise<Map<number, SchemaObject[]>> {
  const db = await openDatabase();
  const seen = new Map<number, SchemaObject[]>();
  try {
    for (let v = 1; v <= SCHEMA_VERSION; v++) {
      migrate(db, v);
      seen.set(v, schemaObjects(db));
    }
    return seen;
  } finally {
    db.close();
  }
}

/** A definition's tokens, so whitespace, comments and keyword case do not make two definitions differ. */
function normalized(sql: string | null): string | null {
  if (sql === null) return null;
  try {
    return JSON.stringify(sqlTokens(sql).map((t) => [t.kind, t.value]));
  } catch {
    return sql; // an unclosed quote: no definition of ours looks like that
  }
}

/**
 * seg_profiles gains a column per profile attribute as schemas appear (../segment/snapshot.ts):
 * `, "a1" TEXT, "a2" REAL, ...` inserted after its fixed columns. Those are taken out before comparing,
 * and must be numbered a1, a2, ... in order.
 */
const SNAPSHOT_COLUMN = /, "a(\d+)" (?:REAL|INTEGER|TEXT)/g;

function withoutSnapshotColumns(o: SchemaObject): string | null {
  if (o.name !== 'seg_profiles' || o.sql === null) return o.sql;
  const numbers = [...o.sql.matchAll(SNAPSHOT_COLUMN)].map((m) => Number(m[1]));
  if (numbers.some((n, i) => n !== i + 1)) return o.sql;
  return o.sql.replace(SNAPSHOT_COLUMN, '');
}

function sameDefinition(file: SchemaObject, reference: SchemaObject): boolean {
  return (
    file.type === reference.type &&
    file.tbl_name === reference.tbl_name &&
    normalized(withoutSnapshotColumns(file)) === normalized(reference.sql)
  );
}

function versionProblem(version: number): SandboxProblem | undefined {
  if (version > SCHEMA_VERSION)
    return {
      kind: 'version',
      message: `This file was saved by a newer Pocket CDP (format ${version}; this app opens formats 1 to ${SCHEMA_VERSION}): update the app to open it.`
    };
  if (!Number.isInteger(version) || version < 1)
    return {
      kind: 'version',
      message: `This file has no Pocket CDP format version (PRAGMA user_version is ${version}).`
    };
  return undefined;
}

/** Triggers and views: no format ever had one, so they are refused whatever the version. */
function foreignKinds(objects: SchemaObject[]): SandboxProblem[] {
  return objects.flatMap((o): SandboxProblem[] => {
    if (o.type === 'trigger')
      return [
        {
          kind: 'trigger',
          name: o.name,
          table: o.tbl_name,
          message: `This file holds a trigger "${o.name}" on table "${o.tbl_name}", which a Pocket CDP sandbox never has.`
        }
      ];
    if (o.type === 'view')
      return [
        {
          kind: 'view',
          name: o.name,
          message: `This file holds a view "${o.name}", which a Pocket CDP sandbox never has.`
        }
      ];
    return [];
  });
}

/** Every table and index against the reference of the same format: none extra, none missing, none altered. */
function comparedWith(objects: SchemaObject[], reference: SchemaObject[], version: number): SandboxProblem[] {
  const problems: SandboxProblem[] = [];
  const expected = new Map(reference.filter((o) => !sqliteOwn(o)).map((o) => [o.name, o]));
  const format = `format ${version}`;
  // a table's own automatic indexes come and go with it: the table is the problem to name
  const unknownTables = new Set<string>();
  for (const o of objects) {
    if (o.type === 'trigger' || o.type === 'view' || sqliteOwn(o)) continue;
    const want = expected.get(o.name);
    expected.delete(o.name);
    if (!want && unknownTables.has(o.tbl_name) && o.type === 'index') continue;
    if (!want && o.type === 'table') unknownTables.add(o.name);
    if (!want)
      problems.push({
        kind: 'unknown',
        name: o.name,
        table: o.tbl_name,
        message: `This file holds ${o.type === 'index' ? 'an index' : `a ${o.type}`} "${o.name}", which a Pocket CDP sandbox (${format}) does not define.`
      });
    else if (!sameDefinition(o, want))
      problems.push({
        kind: 'altered',
        name: o.name,
        table: o.tbl_name,
        message: `This file defines the ${want.type} "${o.name}" otherwise than a Pocket CDP sandbox (${format}) does.`
      });
  }
  const missingTables = new Set([...expected.values()].filter((o) => o.type === 'table').map((o) => o.name));
  for (const o of expected.values()) {
    if (o.type === 'index' && missingTables.has(o.tbl_name)) continue;
    problems.push({
      kind: 'missing',
      name: o.name,
      table: o.tbl_name,
      message: `This file lacks the ${o.type} "${o.name}" that a Pocket CDP sandbox (${format}) has.`
    });
  }
  return problems;
}

/** Everything wrong with a file's schema (empty when it is a sandbox of a format this app opens). */
export async function sandboxProblems(version: number, objects: SchemaObject[]): Promise<SandboxProblem[]> {
  const problems = foreignKinds(objects);
  const wrongVersion = versionProblem(version);
  if (wrongVersion) return [wrongVersion, ...problems];
  references ??= referenceSchemas().catch((e: unknown) => {
    references = undefined;
    throw e;
  });
  const reference = (await references).get(version);
  if (!reference)
    return [{ kind: 'version', message: `This file has a format version (${version}) no migration gives.` }];
  return [...problems, ...comparedWith(objects, reference, version)];
}

/**
 * The snapshot's columns are listed in seg_columns, and the next one is named after their count: a
 * column missing from that list would make every later schema's column collide with it.
 */
function snapshotListProblems(db: Database, objects: SchemaObject[]): SandboxProblem[] {
  const table = objects.find((o) => o.name === 'seg_profiles' && o.type === 'table');
  if (!table?.sql || !objects.some((o) => o.name === 'seg_columns')) return [];
  const columns = [...table.sql.matchAll(SNAPSHOT_COLUMN)].map((m) => `a${m[1]}`);
  const listed = (db.exec('SELECT col FROM seg_columns ORDER BY rowid')[0]?.values ?? []).map((r) =>
    String(r[0])
  );
  if (JSON.stringify(columns) === JSON.stringify(listed)) return [];
  return [
    {
      kind: 'altered',
      name: 'seg_columns',
      table: 'seg_columns',
      message: `This file lists ${listed.length} profile snapshot columns in "seg_columns" while "seg_profiles" has ${columns.length}.`
    }
  ];
}

/**
 * Refuses a file that is not exactly a Pocket CDP sandbox of its format, before anything in it can run:
 * invalid_sandbox, the first problem in the message, every problem in details.
 */
export async function checkSandboxFile(db: Database): Promise<void> {
  const version = userVersion(db);
  const objects = schemaObjects(db);
  let problems = await sandboxProblems(version, objects);
  if (problems.length === 0) problems = snapshotListProblems(db, objects);
  if (problems.length === 0) return;
  const more =
    problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  throw new CdpError('invalid_sandbox', `${problems[0].message.slice(0, -1)}${more}: it was not opened.`, {
    version,
    problems
  });
}
