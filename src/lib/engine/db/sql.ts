import type { Database } from './sqlite';

/** A query with its bound values: SQL text never has values spliced into it. */
export interface Query {
  sql: string;
  /** Positional (?) or named (:name, keys with their prefix) */
  params?: (string | number | null)[] | Record<string, string | number | null>;
}

export type Row = Record<string, string | number | null | Uint8Array>;

/**
 * Every row as an object keyed by column name, as sql.js's getAsObject makes it. Its names are read
 * once, not for every row (getAsObject reads them from SQLite each time: 4 us a row of five columns).
 */
export function all<T = Row>(db: Database, q: Query): T[] {
  const stmt = db.prepare(q.sql);
  try {
    if (q.params) stmt.bind(q.params);
    const out: T[] = [];
    let names: string[] | null = null;
    while (stmt.step()) {
      names ??= stmt.getColumnNames();
      const values = stmt.get();
      const row: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) {
        // a column named __proto__ is a key like any other, never the row's prototype
        if (names[i] === '__proto__')
          Object.defineProperty(row, '__proto__', {
            value: values[i],
            enumerable: true,
            writable: true,
            configurable: true
          });
        else row[names[i]] = values[i];
      }
      out.push(row as T);
    }
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
