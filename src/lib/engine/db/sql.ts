import type { Database } from './sqlite';

/** A query with its bound values: SQL text never has values spliced into it. */
export interface Query {
  sql: string;
  /** Positional (?) or named (:name, keys with their prefix) */
  params?: (string | number | null)[] | Record<string, string | number | null>;
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

const IN_CHUNK = 5000;

/** Runs a query per chunk of ids (SQLite limits bound variables). */
export function inChunks<T>(ids: number[], fn: (chunk: number[], marks: string) => T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += IN_CHUNK) {
    const chunk = ids.slice(i, i + IN_CHUNK);
    for (const r of fn(chunk, placeholders(chunk.length))) out.push(r);
  }
  return out;
}
