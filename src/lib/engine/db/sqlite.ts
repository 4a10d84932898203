import initSqlJs from 'sql.js';
import type { Database, SqlJsStatic, Statement } from 'sql.js';

export type { Database, Statement };

let config: { locateFile?: (file: string) => string } = {};
let loading: Promise<SqlJsStatic> | undefined;

/** The worker tells sql.js where the bundler put its wasm; in node sql.js finds it in node_modules. */
export function configureSqlJs(options: { locateFile?: (file: string) => string }): void {
  config = options;
  loading = undefined;
}

function sqlJs(): Promise<SqlJsStatic> {
  loading ??= initSqlJs(config);
  return loading;
}

/**
 * Pragmas are lost on every db.export(), so they are applied here and again after each export. The
 * database lives in memory already: a journal in memory keeps ROLLBACK (failed and cancelled batches
 * rely on it) without writing a journal file into sql.js's in-memory file system.
 */
export function applyPragmas(db: Database): void {
  db.run(
    'PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536; PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF;'
  );
}

export async function openDatabase(bytes?: Uint8Array): Promise<Database> {
  const SQL = await sqlJs();
  const db = bytes ? new SQL.Database(bytes) : new SQL.Database();
  applyPragmas(db);
  return db;
}
