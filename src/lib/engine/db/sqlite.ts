import initSqlJs from 'sql.js';
import type { Database, SqlJsStatic, Statement } from 'sql.js';
import { CdpError } from '../errors';

export type { Database, Statement };

let config: { locateFile?: (file: string) => string } = {};
let loading: Promise<{ SQL: SqlJsStatic; InMemory: DatabaseClass }> | undefined;

/** The worker tells sql.js where the bundler put its wasm; in node sql.js finds it in node_modules. */
export function configureSqlJs(options: { locateFile?: (file: string) => string }): void {
  config = options;
  loading = undefined;
}

function sqlJs(): Promise<{ SQL: SqlJsStatic; InMemory: DatabaseClass }> {
  loading ??= initSqlJs(config).then((SQL) => ({ SQL, InMemory: memoryClass(SQL) }));
  return loading;
}

/**
 * A journal in memory keeps ROLLBACK (failed and cancelled batches rely on it); it is the journal a
 * database in memory has anyway, named so no change of storage drops it unnoticed.
 */
function applyPragmas(db: Database): void {
  db.run('PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; PRAGMA journal_mode = MEMORY;');
}

/** The few SQLite C functions sql.js's build exports without typing them; a restore needs them. */
interface SqliteApi {
  _sqlite3_backup_init(dest: number, destName: number, source: number, sourceName: number): number;
  _sqlite3_backup_step(backup: number, pages: number): number;
  _sqlite3_backup_finish(backup: number): number;
  _sqlite3_errmsg(db: number): number;
  stringToNewUTF8(text: string): number;
  UTF8ToString(pointer: number): string;
  _free(pointer: number): void;
}

const SQLITE_OK = 0;
const SQLITE_DONE = 101;
const OUT_OF_MEMORY = 'out of memory';

/**
 * SQLite's heap is WebAssembly's, at most 2 GiB in sql.js's build, and every open database shares it.
 * When it is used up a statement fails with SQLite's "out of memory" (SQLITE_NOMEM, the transaction
 * rolled back); this turns that into an error that says so, and anything else into undefined.
 */
export function outOfMemory(e: unknown): CdpError | undefined {
  if (!(e instanceof Error) || e.message !== OUT_OF_MEMORY) return undefined;
  return new CdpError(
    'out_of_memory',
    "The engine's memory is used up: every open sandbox shares at most 2 GiB, and this one did not fit. Nothing was changed."
  );
}

/** sql.js keeps the connection's C pointer in `db` (null once closed). */
const handle = (db: Database) => (db as unknown as { db: number }).db;

type DatabaseClass = new () => Database;

/**
 * A sql.js Database whose SQLite database has no file. By default sql.js puts the database in a file of
 * Emscripten's in-memory file system: one contiguous array that, to grow, is copied whole into one 1/8
 * larger (a 600 MB file is a 675 MB allocation and a 600 MB copy, over a second with nothing else
 * running, a dozen times in a million-row upload). Named ':memory:', SQLite holds each page in its own
 * heap, which WebAssembly grows in place, and commits write nothing anywhere. sql.js's export() backs
 * any database up into one buffer of the right size, so saving works the same.
 */
function memoryClass(SQL: SqlJsStatic): DatabaseClass {
  return class InMemory extends SQL.Database {
    // sql.js sets `filename` to a random file name and then opens what it reads back
    get filename(): string {
      return ':memory:';
    }
    set filename(_name: string) {}
    close(): void {
      try {
        super.close();
      } catch (e) {
        // SQLite errors are Errors; after closing the connection sql.js unlinks the file it expects,
        // and Emscripten's "no such file" is not an Error
        if (e instanceof Error) throw e;
        (this as unknown as { db: number | null }).db = null;
      }
    }
  };
}

/** Copies every page of `source` into `dest` (SQLite's online backup), which becomes an exact copy. */
function copyPages(api: SqliteApi, source: Database, dest: Database): void {
  const main = api.stringToNewUTF8('main');
  try {
    const to = handle(dest);
    const backup = api._sqlite3_backup_init(to, main, handle(source), main);
    if (!backup) throw new Error(api.UTF8ToString(api._sqlite3_errmsg(to)));
    const stepped = api._sqlite3_backup_step(backup, -1);
    // finish reports the step's error on the destination connection
    const finished = api._sqlite3_backup_finish(backup);
    if (stepped !== SQLITE_DONE || finished !== SQLITE_OK)
      throw new Error(api.UTF8ToString(api._sqlite3_errmsg(to)));
  } finally {
    api._free(main);
  }
}

/** A database in memory: empty, or a copy of a saved sandbox's bytes. */
export async function openDatabase(bytes?: Uint8Array): Promise<Database> {
  const { SQL, InMemory } = await sqlJs();
  const db = new InMemory();
  if (bytes) {
    // sql.js opens bytes only as a file; its pages are copied into memory and the file let go
    const file = new SQL.Database(bytes);
    try {
      copyPages(SQL as SqlJsStatic & SqliteApi, file, db);
    } catch (e) {
      db.close();
      throw e;
    } finally {
      file.close();
    }
  }
  applyPragmas(db);
  return db;
}
