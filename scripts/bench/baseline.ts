// The bare baselines: what any app does with papaparse and sql.js, and nothing of what a CDP does.
// The same code runs in node and, as text (baselineSource), in the browser page.

/** The plain table the bare insert fills: the file's 10 columns, no keys, no indexes. */
export const BARE_TABLE =
  'CREATE TABLE IF NOT EXISTS t (email TEXT, crm TEXT, phone TEXT, first TEXT, last TEXT, city TEXT, state TEXT, ' +
  'tier TEXT, balance REAL, advisor INTEGER)';

import type { Database as SqlDb } from 'sql.js';

interface Papa {
  parse<T>(text: string, opts: { skipEmptyLines: boolean; step: (r: { data: T }) => void }): void;
}

/**
 * Parse, then insert each row with one prepared statement in one transaction, into the table the
 * database already has (a second file joins the first, as it does in the sandbox). Returns the rows.
 */
export function bareInsert(Papa: Papa, db: SqlDb, text: string): number {
  db.run(BARE_TABLE);
  db.run('BEGIN');
  const stmt = db.prepare('INSERT INTO t VALUES (?,?,?,?,?,?,?,?,?,?)');
  let n = 0;
  Papa.parse<string[]>(text, {
    skipEmptyLines: true,
    step: (r) => {
      if (n++ === 0) return;
      const c = r.data;
      stmt.run([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], Number(c[8]), c[9] === 'true' ? 1 : 0]);
    }
  });
  stmt.free();
  db.run('COMMIT');
  return n - 1;
}

/** The audience predicate scanned from the bare table. */
export function bareScan(db: SqlDb, predicate: string): number {
  return Number(db.exec(`SELECT count(*) FROM t WHERE ${predicate}`)[0].values[0][0]);
}

/** The identity columns of the bench file, in order: every row has these three (./files.ts). */
const IDENTITY_COLUMNS = ['Email', 'CRMID', 'Phone'];

/**
 * The least a CDP stores of a row when its records and identities are rows of sql.js, with none of
 * its rules: the record, each of its three identities found or added through a unique (namespace,
 * value) index, and a link from each identity to the record. No validation, dedupe, stitching,
 * profiles or audience snapshot. Against the bare insert, it says what such storage costs by itself
 * (docs/PERFORMANCE.md, "The floor"). Into an empty database; returns the rows.
 */
export function storageFloor(Papa: Papa, db: SqlDb, text: string): number {
  db.run(`CREATE TABLE records (rid INTEGER PRIMARY KEY, data TEXT NOT NULL);
    CREATE TABLE identities (iid INTEGER PRIMARY KEY, ns TEXT NOT NULL, value TEXT NOT NULL, UNIQUE (ns, value));
    CREATE TABLE links (iid INTEGER NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (iid, rid)) WITHOUT ROWID;`);
  const record = db.prepare('INSERT INTO records VALUES (?, ?)');
  const find = db.prepare('SELECT iid FROM identities WHERE ns = ? AND value = ?');
  const add = db.prepare('INSERT INTO identities VALUES (?, ?, ?)');
  const link = db.prepare('INSERT INTO links VALUES (?, ?)');
  let rid = 0;
  let iid = 0;
  db.run('BEGIN');
  const n = eachRow(Papa, text, (c) => {
    record.run([++rid, JSON.stringify(c)]);
    for (let k = 0; k < IDENTITY_COLUMNS.length; k++) {
      find.bind([IDENTITY_COLUMNS[k], c[k]]);
      let id = find.step() ? Number(find.get()[0]) : 0;
      find.reset();
      if (!id) add.run([(id = ++iid), IDENTITY_COLUMNS[k], c[k]]);
      link.run([id, rid]);
    }
  });
  for (const s of [record, find, add, link]) s.free();
  db.run('COMMIT');
  return n;
}

/**
 * The same floor with the identities out of SQLite (a JavaScript Map each, held in memory, saved
 * nowhere) and, in place of the links, the row every profile needs for audiences: the record, and a
 * snapshot row of typed columns keyed by the profile. What is left if only the records and the
 * snapshot stay rows of sql.js. Into an empty database; returns the rows.
 */
export function snapshotFloor(Papa: Papa, db: SqlDb, text: string): number {
  db.run(`CREATE TABLE records (rid INTEGER PRIMARY KEY, data TEXT NOT NULL);
    CREATE TABLE snapshot (pid INTEGER PRIMARY KEY, email TEXT, crm TEXT, phone TEXT, first TEXT, last TEXT,
      city TEXT, state TEXT, tier TEXT, balance REAL, advisor INTEGER);`);
  const record = db.prepare('INSERT INTO records VALUES (?, ?)');
  const snapshot = db.prepare('INSERT OR REPLACE INTO snapshot VALUES (?,?,?,?,?,?,?,?,?,?,?)');
  const identities = IDENTITY_COLUMNS.map(() => new Map<string, number>());
  let rid = 0;
  let iid = 0;
  db.run('BEGIN');
  const n = eachRow(Papa, text, (c) => {
    record.run([++rid, JSON.stringify(c)]);
    let profile = 0;
    for (const [k, known] of identities.entries()) {
      let id = known.get(c[k]);
      if (!id) known.set(c[k], (id = ++iid));
      profile ||= id;
    }
    snapshot.run([profile, ...c.slice(0, 8), Number(c[8]), c[9] === 'true' ? 1 : 0]);
  });
  record.free();
  snapshot.free();
  db.run('COMMIT');
  return n;
}

/** Each data row of the file (the header skipped), as papaparse's step gives it. Returns the rows. */
function eachRow(Papa: Papa, text: string, row: (c: string[]) => void): number {
  let n = 0;
  Papa.parse<string[]>(text, {
    skipEmptyLines: true,
    step: (r) => {
      if (n++ > 0) row(r.data);
    }
  });
  return n - 1;
}

/** The floors as the bench's steps name them, in the order it runs them. */
export const FLOORS = [
  ['floor: record, identities and links as sql.js rows, no rules', storageFloor],
  ['floor: record and snapshot as sql.js rows, identities in memory, no rules', snapshotFloor]
] as const;
