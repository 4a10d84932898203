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
