// query(): the console's read-only SQL (DESIGN.md, "Read-only SQL"). SQLite applies a PRAGMA while it
// compiles it, so `EXPLAIN PRAGMA full_column_names = ON` changes the connection before anything runs:
// the text is decided on here, token by token, before SQLite sees any of it.
import { CdpError } from '../errors';
import type { QueryResult } from '../types';
import type { Database } from './sqlite';

export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'variable' | 'punct' | 'semicolon';

export interface Token {
  kind: TokenKind;
  /** The token as written. */
  text: string;
  /** Words lower-cased; quoted identifiers and strings unquoted, their doubled quotes undone. */
  value: string;
  start: number;
  end: number;
}

const SPACE = /[ \t\n\v\f\r]/;

/** SQLite's identifier characters: ASCII letters, digits, '_', '$' and every non-ASCII character. */
function isIdChar(ch: string): boolean {
  return /[A-Za-z0-9_$]/.test(ch) || ch.charCodeAt(0) >= 0x80;
}

function isIdStart(ch: string): boolean {
  return /[A-Za-z_]/.test(ch) || ch.charCodeAt(0) >= 0x80;
}

function unclosed(what: string, at: number, sql: string): CdpError {
  return new CdpError('sql_error', `query(): the ${what} starting at character ${at + 1} is not closed.`, {
    sql,
    at
  });
}

/** Where a quoted token opening at `start` ends (just past its closing quote); a doubled quote escapes. */
function quotedEnd(sql: string, start: number, close: string, escapes: boolean): number {
  let i = start + 1;
  for (;;) {
    const j = sql.indexOf(close, i);
    if (j < 0) return -1;
    if (escapes && sql[j + 1] === close) {
      i = j + 2;
      continue;
    }
    return j + 1;
  }
}

function quoted(sql: string, start: number): Token {
  const open = sql[start];
  const close = open === '[' ? ']' : open;
  const end = quotedEnd(sql, start, close, open !== '[');
  if (end < 0) throw unclosed(open === "'" ? 'string' : 'quoted identifier', start, sql);
  const text = sql.slice(start, end);
  const inner = text.slice(1, -1);
  const value = open === '[' ? inner : inner.split(close + close).join(close);
  return { kind: open === "'" ? 'string' : 'quoted', text, value, start, end };
}

function run(sql: string, start: number, accept: (ch: string) => boolean): number {
  let i = start;
  while (i < sql.length && accept(sql[i])) i++;
  return i;
}

/**
 * Tokens the way SQLite's tokenizer splits them, without whitespace and comments. Only the boundaries
 * matter here (what is a string, a quoted name, a comment, a word, a ';'): a number glued to letters
 * stays one token, as SQLite refuses it whole.
 */
export function sqlTokens(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number, value?: string) => {
    const text = sql.slice(i, end);
    tokens.push({ kind, text, value: value ?? text, start: i, end });
    i = end;
  };
  while (i < sql.length) {
    const ch = sql[i];
    const next = sql[i + 1] ?? '';
    if (SPACE.test(ch)) i++;
    else if (ch === '-' && next === '-') i = run(sql, i, (c) => c !== '\n');
    else if (ch === '/' && next === '*') {
      // SQLite lets a block comment run to the end of the text
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? sql.length : close + 2;
    } else if (ch === "'" || ch === '"' || ch === '`' || ch === '[') {
      const token = quoted(sql, i);
      tokens.push(token);
      i = token.end;
    } else if (isIdStart(ch)) {
      const end = run(sql, i, isIdChar);
      push('word', end, sql.slice(i, end).toLowerCase());
    } else if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(next))) {
      push(
        'number',
        run(sql, i + 1, (c) => isIdChar(c) || c === '.')
      );
    } else if (ch === '?')
      push(
        'variable',
        run(sql, i + 1, (c) => /[0-9]/.test(c))
      );
    else if ((ch === ':' || ch === '@' || ch === '$') && isIdChar(next)) {
      push('variable', run(sql, i + 1, isIdChar));
    } else if (ch === ';') push('semicolon', i + 1);
    else push('punct', i + 1);
  }
  return tokens;
}

/** Statements as token lists; empty ones (';;', a lone trailing ';') are dropped. */
function statements(tokens: Token[]): Token[][] {
  const out: Token[][] = [[]];
  for (const t of tokens) {
    if (t.kind === 'semicolon') out.push([]);
    else out[out.length - 1].push(t);
  }
  return out.filter((s) => s.length > 0);
}

/** What a statement may start with. VALUES (1), (2) is a plain query too. */
const QUERY_START = new Set(['select', 'with', 'values']);
/**
 * What EXPLAIN may explain: queries, and DML, which EXPLAIN only compiles (compiling a write changes
 * nothing). Not ATTACH, PRAGMA, VACUUM, DDL or transaction control.
 */
const EXPLAINABLE = new Set([...QUERY_START, 'insert', 'replace', 'update', 'delete']);

/**
 * Table-valued pragma functions that only report. Any other pragma_* name is refused: some run a pragma
 * with an argument (pragma_optimize analyzes and writes statistics).
 */
const REPORTING_PRAGMAS = new Set(
  [
    'table_info',
    'table_xinfo',
    'table_list',
    'index_list',
    'index_info',
    'index_xinfo',
    'foreign_key_list',
    'user_version',
    'schema_version',
    'application_id',
    'page_count',
    'page_size',
    'freelist_count',
    'database_list',
    'collation_list',
    'function_list',
    'module_list',
    'pragma_list',
    'compile_options',
    'encoding'
  ].map((p) => `pragma_${p}`)
);

/** Functions that change the connection itself: they stay refused whatever query_only says. */
const CONNECTION_FUNCTIONS = new Set(['load_extension', 'fts3_tokenizer']);

const ALLOWED =
  'query() runs one read statement: SELECT, WITH, VALUES, or EXPLAIN [QUERY PLAN] of a query or of a write';

function refuse(sql: string, reason: string, at?: Token): never {
  const where = at ? ` (character ${at.start + 1})` : '';
  throw new CdpError('read_only', `${ALLOWED}; ${reason}${where}.`, { sql, reason, at: at?.start });
}

/** Refuses pragmas and connection-changing functions wherever they stand, quoted or not. */
function checkNames(sql: string, tokens: Token[]): void {
  for (const t of tokens) {
    if (isWord(t, 'pragma')) refuse(sql, 'PRAGMA changes the connection', t);
    if (t.kind !== 'word' && t.kind !== 'quoted' && t.kind !== 'string') continue;
    // single-quoted text is a name where SQLite expects one (FROM 'pragma_optimize'), so strings count
    const name = t.kind === 'word' ? t.value : t.value.toLowerCase();
    if (name.startsWith('pragma_') && !REPORTING_PRAGMAS.has(name))
      refuse(sql, `${name} runs a pragma that is not a plain report`, t);
    if (CONNECTION_FUNCTIONS.has(name)) refuse(sql, `${name}() changes the connection`, t);
  }
}

function isWord(t: Token | undefined, word: string): boolean {
  return t?.kind === 'word' && t.value === word;
}

/** Refuses anything but SELECT / WITH / VALUES, optionally behind EXPLAIN or EXPLAIN QUERY PLAN. */
function checkStart(sql: string, stmt: Token[]): void {
  if (isWord(stmt[0], 'explain')) {
    const what = stmt[isWord(stmt[1], 'query') && isWord(stmt[2], 'plan') ? 3 : 1];
    if (!what || what.kind !== 'word' || !EXPLAINABLE.has(what.value))
      refuse(sql, `EXPLAIN ${what ? `"${what.text}"` : 'of nothing'} is refused`, what);
    return;
  }
  if (stmt[0].kind !== 'word' || !QUERY_START.has(stmt[0].value))
    refuse(sql, `a statement starting with "${stmt[0].text}" is refused`, stmt[0]);
}

/**
 * The one statement query() may run, as exactly the text that was checked (comments and semicolons
 * around it dropped), or a read_only CdpError before SQLite has compiled anything.
 */
export function readOnlyStatement(sql: unknown): string {
  if (typeof sql !== 'string') refuse(String(sql), 'the statement is not a string');
  // SQLite stops reading at a NUL: what it ran would not be what was checked
  if (sql.includes('\0')) refuse(sql, 'the text holds a NUL character');
  const tokens = sqlTokens(sql);
  const found = statements(tokens);
  if (found.length === 0) refuse(sql, 'the text holds no statement');
  if (found.length > 1) refuse(sql, `the text holds ${found.length} statements`, found[1][0]);
  const stmt = found[0];
  checkNames(sql, stmt);
  checkStart(sql, stmt);
  return sql.slice(stmt[0].start, stmt[stmt.length - 1].end);
}

export interface QueryLimits {
  /** Rows returned at most; the result says when more were left. */
  maxRows: number;
  /** Milliseconds of stepping at most, checked between rows (SQLite offers no interrupt in sql.js). */
  maxMillis: number;
  now: () => number;
}

export const QUERY_LIMITS: QueryLimits = { maxRows: 10_000, maxMillis: 5_000, now: () => Date.now() };

function sqlError(e: unknown, sql: string): CdpError {
  const message = (e as Error).message;
  return new CdpError(/readonly/i.test(message) ? 'read_only' : 'sql_error', message, { sql });
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** Steps the statement within the limits; `cut` says why it stopped early, if it did. */
function collect(stmt: ReturnType<Database['prepare']>, limits: QueryLimits) {
  const started = limits.now();
  const rows: unknown[][] = [];
  let cut: 'rows' | 'time' | undefined;
  while (stmt.step()) {
    if (rows.length >= limits.maxRows) cut = 'rows';
    else if (rows.length > 0 && limits.now() - started >= limits.maxMillis) cut = 'time';
    if (cut) break;
    rows.push(stmt.get());
  }
  return { rows, cut };
}

function notice(cut: 'rows' | 'time', rows: number, limits: QueryLimits): string {
  return cut === 'rows'
    ? `Showing the first ${count(rows)} rows; the query has more.`
    : `Stopped after ${count(limits.maxMillis / 1000)} s with ${count(rows)} rows; the query has more.`;
}

/**
 * query(): the one read statement readOnlyStatement() lets through, run with PRAGMA query_only on so
 * SQLite itself refuses any write it would make (a WITH ... DELETE included), capped in rows and time.
 */
export function readOnlyQuery(db: Database, sql: string, limits: QueryLimits = QUERY_LIMITS): QueryResult {
  const statement = readOnlyStatement(sql);
  db.run('PRAGMA query_only = ON');
  try {
    const stmt = db.prepare(statement);
    try {
      const columns = stmt.getColumnNames();
      const { rows, cut } = collect(stmt, limits);
      return cut
        ? { columns, rows, truncated: true, notice: notice(cut, rows.length, limits) }
        : { columns, rows, truncated: false };
    } finally {
      stmt.free();
    }
  } catch (e) {
    throw e instanceof CdpError ? e : sqlError(e, sql);
  } finally {
    db.run('PRAGMA query_only = OFF');
  }
}
