import { CdpError } from '../errors';
import type { QueryResult } from '../types';
import type { Database } from './sqlite';

const READ_START = /^(select|with|explain)\b/i;

function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ').trim();
}

/**
 * query(): one SELECT, WITH or EXPLAIN statement. query_only makes SQLite itself refuse any write
 * (a WITH ... DELETE included), so nothing changes whatever the text says.
 */
export function readOnlyQuery(db: Database, sql: string): QueryResult {
  if (typeof sql !== 'string' || !READ_START.test(stripComments(sql))) {
    throw new CdpError('read_only', 'query() runs one SELECT, WITH or EXPLAIN statement.', { sql });
  }
  let count = 0;
  try {
    for (const stmt of db.iterateStatements(sql)) {
      count++;
      stmt.free();
    }
  } catch (e) {
    throw new CdpError('sql_error', (e as Error).message, { sql });
  }
  if (count !== 1) throw new CdpError('read_only', 'query() runs exactly one statement.', { sql });
  db.run('PRAGMA query_only = ON');
  try {
    const stmt = db.prepare(sql);
    try {
      const columns = stmt.getColumnNames();
      const rows: unknown[][] = [];
      while (stmt.step()) rows.push(stmt.get());
      return { columns, rows };
    } finally {
      stmt.free();
    }
  } catch (e) {
    throw new CdpError(
      /readonly/i.test((e as Error).message) ? 'read_only' : 'sql_error',
      (e as Error).message,
      { sql }
    );
  } finally {
    db.run('PRAGMA query_only = OFF');
  }
}
