// all() (engine/db/sql.ts) is how the engine reads rows: each an object keyed by column name, exactly
// as sql.js's getAsObject makes it, whatever the columns are called.
import { describe, expect, it } from 'vitest';
import { all } from '../../src/lib/engine/db/sql';
import { openDatabase } from '../../src/lib/engine/db/sqlite';

describe('all()', () => {
  it('reads rows as getAsObject does, a column named __proto__ or constructor included', async () => {
    const db = await openDatabase();
    db.run(`CREATE TABLE t (a INTEGER, b TEXT, c REAL, d BLOB);
            INSERT INTO t VALUES (1, 'x', 1.5, x'00ff'), (NULL, '', -0.25, NULL), (9007199254740991, 'é', 0, x'')`);
    const queries = [
      'SELECT * FROM t',
      'SELECT a AS __proto__, b AS constructor, c AS toString FROM t',
      'SELECT a AS k, b AS k FROM t',
      'SELECT * FROM t WHERE a > 100000'
    ];
    for (const sql of queries) {
      const stmt = db.prepare(sql);
      const expected: unknown[] = [];
      while (stmt.step()) expected.push(stmt.getAsObject());
      stmt.free();
      const rows = all(db, { sql });
      expect(rows).toEqual(expected);
      for (const [i, r] of rows.entries()) expect(Object.keys(r)).toEqual(Object.keys(expected[i] as object));
    }
    const [row] = all<Record<string, unknown>>(db, { sql: queries[1] });
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(row, '__proto__')?.value).toBe(1);
    expect(row.constructor).toBe('x');
    db.close();
  });
});
