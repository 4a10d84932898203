import type { Database } from './sqlite';

/** A query with its bound values: SQL text never has values spliced into it. */
export interface Query {
  sql: string;
  params?: (string | number | null)[];
}

export type Row = Record<string, string | number | null | Uint8Array>;

export function all<T = Row>(db: Database, q: Query): T[] {
  const stmt = db.prepare(q.sql);
  try {
    if (q.params) stmt.bind(q.params);
    const out: T[] = [];
    while (stmt.step()) out.push(stmt.getAsObject() as T);
    return out;
  } finally {
    stmt.free();
  }
}

export function one<T = Row>(db: Database, q: Query): T | undefined {
  return all<T>(db, q)[0];
}

export function run(db: Database, q: Query): void {
  db.run(q.sql, q.params ?? []);
}

/** Runs fn in a transaction; any throw rolls everything back. */
export function transaction<T>(db: Database, fn: () => T): T {
  db.run('BEGIN');
  try {
    const result = fn();
    db.run('COMMIT');
    return result;
  } catch (e) {
    db.run('ROLLBACK');
    throw e;
  }
}

/** For IN (...) lists of bound values. */
export function placeholders(n: number): string {
  return new Array<string>(n).fill('?').join(',');
}
