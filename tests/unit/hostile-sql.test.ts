// The engine cannot be broken from the console or from a file (DESIGN.md, "Read-only SQL"; CONVENTIONS.md,
// "A file from elsewhere is untrusted"). query() refuses every pragma, wherever it stands, before SQLite
// compiles it (SQLite applies a pragma while compiling, EXPLAIN included); and openSandbox({ bytes })
// refuses a file whose schema is not exactly a Pocket CDP sandbox's, before anything in it can run.
import initSqlJs from 'sql.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/lib/engine/db/migrations';
import { readOnlyQuery } from '../../src/lib/engine/db/readonly';
import { openDatabase } from '../../src/lib/engine/db/sqlite';
import { openSandbox, type Sandbox } from '../../src/lib/engine/index';
import { addDataset } from './fixtures';

const KNOWN = 'bobby.brown@example.com';
let nth = 0;

/** What a user sees of a working sandbox: a known profile, and what a fresh upload gives. */
async function health(sb: Sandbox) {
  const n = ++nth;
  const email = `new${n}@example.com`;
  const report = await sb.ingest(
    'CRM Profiles',
    `person.email,person.crmId,person.name.firstName\n${email},CRM-9${n},Ann\n`
  );
  const added = await sb.profile('Email', email);
  const columns = (await sb.query('SELECT i.ns, r.rid FROM identities i JOIN records r LIMIT 1')).columns;
  return {
    known: await sb.profile('Email', KNOWN),
    report: [report.status, report.rowsRead, report.rowsIngested, report.rowsFailed, report.errors],
    added: { ...added?.attributes, 'person.email': 'x', 'person.crmId': 'x' },
    addedIdentities: added?.identities.length,
    columns
  };
}

describe('query() refuses whatever could write or change the connection, and the sandbox keeps working', () => {
  let sb: Sandbox;
  let before: Awaited<ReturnType<typeof health>>;
  beforeAll(async () => {
    sb = await openSandbox({ template: 'securfinancial' });
    before = await health(sb);
    expect(before.known?.identities.map((i) => i.id)).toContain(KNOWN);
    expect(before.report).toEqual(['success', 1, 1, 0, []]);
  });

  const PRAGMAS = [
    'short_column_names=OFF',
    'full_column_names=ON',
    'hard_heap_limit=200000',
    'soft_heap_limit=100000',
    'query_only=ON',
    'query_only = 1',
    'foreign_keys=OFF',
    'writable_schema=ON',
    'user_version=99',
    'journal_mode=OFF',
    'cache_size=1'
  ];
  const PLACES: ((p: string) => string)[] = [
    (p) => `PRAGMA ${p}`,
    (p) => `EXPLAIN PRAGMA ${p}`,
    (p) => `EXPLAIN QUERY PLAN PRAGMA ${p}`,
    (p) => `/* a note */ EXPLAIN PRAGMA ${p}`,
    (p) => `-- a note\nPRAGMA ${p}`,
    (p) => `explain pragma ${p.toLowerCase()}`,
    (p) => `  \n\tEXPLAIN\n  QUERY   PLAN\tPRAGMA\n${p}  ;  `,
    (p) => `EXPLAIN/**/PRAGMA/**/${p}`,
    (p) => `PrAgMa main.${p}`,
    (p) => `WITH x AS (SELECT 1) PRAGMA ${p}`,
    (p) => `SELECT 1; PRAGMA ${p}`,
    (p) => `EXPLAIN SELECT 1; EXPLAIN PRAGMA ${p}`,
    (p) => `SELECT 1 -- ;\n; EXPLAIN PRAGMA ${p}`,
    (p) => `SELECT 'a;' ; PRAGMA ${p}`
  ];
  const pragmas = PRAGMAS.flatMap((p) => PLACES.map((place) => place(p)));

  const others = [
    'SELECT 1; SELECT 2',
    'SELECT 1;;SELECT 2',
    "ATTACH DATABASE ':memory:' AS other",
    'DETACH DATABASE other',
    'EXPLAIN ATTACH DATABASE ":memory:" AS other',
    'VACUUM',
    "VACUUM INTO '/tmp/copy.sqlite'",
    'EXPLAIN VACUUM',
    'ANALYZE',
    'REINDEX',
    'BEGIN',
    'SAVEPOINT a',
    'CREATE TEMP TABLE t (x)',
    'EXPLAIN CREATE TABLE t (x)',
    'EXPLAIN EXPLAIN SELECT 1',
    "SELECT load_extension('x')",
    'SELECT "load_extension"(\'x\')',
    'SELECT * FROM pragma_optimize',
    'SELECT * FROM main.pragma_optimize(65534)',
    'SELECT * FROM "pragma_optimize"',
    "SELECT * FROM 'PRAGMA_OPTIMIZE'",
    'SELECT * FROM [pragma_integrity_check]',
    'SELECT * FROM pragma_short_column_names',
    'SELECT 1 AS pragma',
    "SELECT 'a'\0; PRAGMA full_column_names=ON",
    '',
    '   ',
    '-- only a comment',
    ';'
  ];

  it.each([...pragmas, ...others])('refuses %j with read_only and changes nothing', async (sql) => {
    await expect(sb.query(sql)).rejects.toMatchObject({ name: 'CdpError', code: 'read_only' });
    expect(await health(sb)).toEqual(before);
  });

  it('a refusal says what was refused and where', async () => {
    await expect(sb.query('SELECT 1; EXPLAIN PRAGMA full_column_names = ON')).rejects.toMatchObject({
      message: expect.stringMatching(/2 statements \(character 11\)/) as string
    });
    await expect(sb.query('EXPLAIN PRAGMA full_column_names = ON')).rejects.toMatchObject({
      message: expect.stringMatching(/PRAGMA changes the connection \(character 9\)/) as string
    });
  });

  it.each([
    ["SELECT 'pragma'", [['pragma']]],
    [
      "SELECT 'EXPLAIN PRAGMA full_column_names = ON; PRAGMA x'",
      [['EXPLAIN PRAGMA full_column_names = ON; PRAGMA x']]
    ],
    ["SELECT 'it''s'", [["it's"]]],
    ['SELECT 1 /* PRAGMA full_column_names = ON; */', [[1]]],
    ['SELECT 1 -- ; PRAGMA full_column_names = ON', [[1]]],
    ['SELECT 1;', [[1]]],
    ['SELECT 1; -- done', [[1]]],
    ['SELECT 1 ; /* done */ ;', [[1]]],
    ['VALUES (1), (2)', [[1], [2]]],
    ["select count(*) from identities where ns = 'Email' and value = 'bobby.brown@example.com'", [[1]]],
    ["SELECT count(*) > 0 FROM pragma_table_info('records') WHERE name = 'rid'", [[1]]]
  ])('runs the read statement %j', async (sql, rows) => {
    expect((await sb.query(sql)).rows).toEqual(rows);
  });

  it('keeps a quoted column name that reads like a pragma', async () => {
    const result = await sb.query('SELECT 1 AS "PRAGMA short_column_names = OFF"');
    expect(result.columns).toEqual(['PRAGMA short_column_names = OFF']);
    expect(await health(sb)).toEqual(before);
  });

  it('explains a query, and a write without making it', async () => {
    expect(
      (await sb.query('EXPLAIN QUERY PLAN SELECT * FROM records WHERE fkey = 1')).rows.length
    ).toBeGreaterThan(0);
    const count = (await sb.query('SELECT count(*) FROM records')).rows;
    expect((await sb.query('EXPLAIN DELETE FROM records')).rows.length).toBeGreaterThan(0);
    expect((await sb.query('SELECT count(*) FROM records')).rows).toEqual(count);
  });

  it('a WITH that writes is stopped by SQLite itself, and writes are on again afterwards', async () => {
    await expect(sb.query('WITH x AS (SELECT 1) DELETE FROM records')).rejects.toMatchObject({
      code: 'read_only'
    });
    expect(await health(sb)).toEqual(before);
  });

  it('returns at most 10,000 rows and says the result was cut', async () => {
    const result = await sb.query(
      'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n LIMIT 25000) SELECT x FROM n'
    );
    expect(result.rows.length).toBe(10_000);
    expect(result.rows.at(-1)).toEqual([10_000]);
    expect(result.truncated).toBe(true);
    expect(result.notice).toBe('Showing the first 10,000 rows; the query has more.');
    expect(await health(sb)).toEqual(before);
  });

  it('a result of exactly 10,000 rows is whole', async () => {
    const result = await sb.query(
      'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n LIMIT 10000) SELECT x FROM n'
    );
    expect(result.rows.length).toBe(10_000);
    expect(result.truncated).toBe(false);
    expect(result.notice).toBeUndefined();
  });
});

describe('query() time budget', () => {
  it('stops between rows once the budget is spent and says so', async () => {
    const db = await openDatabase();
    let clock = 0;
    const limits = { maxRows: 10_000, maxMillis: 5_000, now: () => (clock += 1_000) };
    const result = readOnlyQuery(
      db,
      'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n LIMIT 100) SELECT x FROM n',
      limits
    );
    // the clock reads 1 s at the start and 1 s more at each row after the first: the 6th finds 5 s spent
    expect(result.rows).toEqual([[1], [2], [3], [4], [5]]);
    expect(result).toMatchObject({
      truncated: true,
      notice: 'Stopped after 5 s with 5 rows; the query has more.'
    });
    db.run('CREATE TABLE t (x)'); // query_only is off again
    db.close();
  });
});

// ---------------------------------------------------------------------------------------------------

describe('openSandbox({ bytes }) opens only what a Pocket CDP sandbox holds', () => {
  let saved: Uint8Array;
  let known: unknown;
  beforeAll(async () => {
    const sb = await openSandbox({ template: 'securfinancial' });
    known = await sb.profile('Email', KNOWN);
    saved = await sb.export();
    // the file carries profile snapshot columns (seg_profiles grows one per attribute), as real ones do
    expect(Number((await sb.query('SELECT count(*) FROM seg_columns')).rows[0][0])).toBeGreaterThan(0);
  });

  /** The saved file as changed by hand with sql.js, as someone could hand it over. */
  async function tampered(sql: string): Promise<Uint8Array> {
    const SQL = await initSqlJs();
    const db = new SQL.Database(saved);
    try {
      db.run(sql);
      return db.export();
    } finally {
      db.close();
    }
  }

  it('a good file opens and answers profile() as before', async () => {
    const copy = await openSandbox({ bytes: saved });
    expect(await copy.profile('Email', KNOWN)).toEqual(known);
    expect((await copy.ingest('CRM Profiles', 'person.email\nlater@example.com\n')).status).toBe('success');
  });

  it('a file opened, changed and saved again still opens', async () => {
    const copy = await openSandbox({ bytes: saved });
    await addDataset(copy, 'Extras', 'profile', [
      { path: 'person.email', type: 'string', identity: { namespace: 'Email', primary: true } },
      { path: 'extra.score', type: 'number' }
    ]);
    await copy.ingest('Extras', `person.email,extra.score\n${KNOWN},7\n`);
    await copy.evaluate('extra.score > 1');
    const again = await openSandbox({ bytes: await copy.export() });
    expect((await again.profile('Email', KNOWN))?.attributes['extra.score']).toBe(7);
  });

  it.each([
    [
      'a trigger',
      'CREATE TRIGGER wipe AFTER INSERT ON records BEGIN DELETE FROM records; END',
      'This file holds a trigger "wipe" on table "records", which a Pocket CDP sandbox never has: it was not opened.'
    ],
    [
      'a view',
      'CREATE VIEW everyone AS SELECT * FROM identities',
      'This file holds a view "everyone", which a Pocket CDP sandbox never has: it was not opened.'
    ],
    [
      'an extra table',
      'CREATE TABLE notes (x)',
      `This file holds a table "notes", which a Pocket CDP sandbox (format ${SCHEMA_VERSION}) does not define: it was not opened.`
    ],
    [
      'an extra index',
      'CREATE INDEX records_ts ON records(ts)',
      `This file holds an index "records_ts", which a Pocket CDP sandbox (format ${SCHEMA_VERSION}) does not define: it was not opened.`
    ],
    [
      'a virtual table',
      'CREATE VIRTUAL TABLE words USING fts4(x)',
      `This file holds a table "words", which a Pocket CDP sandbox (format ${SCHEMA_VERSION}) does not define (and`
    ],
    [
      'an added column',
      'ALTER TABLE records ADD COLUMN extra TEXT',
      `This file defines the table "records" otherwise than a Pocket CDP sandbox (format ${SCHEMA_VERSION}) does: it was not opened.`
    ],
    [
      'a table defined otherwise',
      "DROP TABLE meta; CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL DEFAULT 'x')",
      `This file defines the table "meta" otherwise than a Pocket CDP sandbox (format ${SCHEMA_VERSION}) does`
    ],
    [
      'an index defined otherwise',
      'DROP INDEX identities_comp; CREATE INDEX identities_comp ON identities(comp, ns)',
      `This file defines the index "identities_comp" otherwise than a Pocket CDP sandbox (format ${SCHEMA_VERSION}) does`
    ],
    [
      'a missing table',
      'DROP TABLE audiences',
      `This file lacks the table "audiences" that a Pocket CDP sandbox (format ${SCHEMA_VERSION}) has: it was not opened.`
    ],
    [
      'a missing index',
      'DROP INDEX records_fkey',
      `This file lacks the index "records_fkey" that a Pocket CDP sandbox (format ${SCHEMA_VERSION}) has`
    ],
    [
      'a future format',
      `PRAGMA user_version = ${SCHEMA_VERSION + 1}`,
      `This file was saved by a newer Pocket CDP (format ${SCHEMA_VERSION + 1}; this app opens formats 1 to ${SCHEMA_VERSION}): update the app to open it: it was not opened.`
    ],
    [
      'no format version',
      'PRAGMA user_version = 0',
      'This file has no Pocket CDP format version (PRAGMA user_version is 0): it was not opened.'
    ],
    [
      'an older format number on the current tables',
      `PRAGMA user_version = ${SCHEMA_VERSION - 1}`,
      `Pocket CDP sandbox (format ${SCHEMA_VERSION - 1})`
    ],
    [
      'a snapshot column its list does not name',
      'DELETE FROM seg_columns WHERE rowid = (SELECT max(rowid) FROM seg_columns)',
      'profile snapshot columns in "seg_columns"'
    ]
  ])('refuses a file with %s, saying so', async (_what, sql, message) => {
    const bytes = await tampered(sql);
    await expect(openSandbox({ bytes })).rejects.toMatchObject({
      name: 'CdpError',
      code: 'invalid_sandbox',
      message: expect.stringContaining(message) as string
    });
  });

  it('lists every problem in details', async () => {
    const bytes = await tampered(`
      CREATE TRIGGER wipe AFTER INSERT ON records BEGIN DELETE FROM records; END;
      CREATE TRIGGER stamp BEFORE UPDATE ON meta BEGIN SELECT 1; END;
      CREATE VIEW everyone AS SELECT * FROM identities;
      CREATE TABLE notes (x);
      DROP TABLE audiences;`);
    const error = await openSandbox({ bytes }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'invalid_sandbox',
      message: expect.stringMatching(
        /^This file holds a trigger .* \(and 4 more problems\): it was not opened\.$/
      ) as string,
      details: {
        version: SCHEMA_VERSION,
        problems: [
          {
            kind: 'trigger',
            name: 'stamp',
            table: 'meta',
            message:
              'This file holds a trigger "stamp" on table "meta", which a Pocket CDP sandbox never has.'
          },
          { kind: 'trigger', name: 'wipe', table: 'records' },
          { kind: 'view', name: 'everyone' },
          { kind: 'unknown', name: 'notes' },
          { kind: 'missing', name: 'audiences' }
        ]
      }
    });
  });

  it('still refuses bytes that are not SQLite as before', async () => {
    await expect(openSandbox({ bytes: new Uint8Array([1, 2, 3, 4]) })).rejects.toMatchObject({
      code: 'invalid_argument'
    });
  });
});
