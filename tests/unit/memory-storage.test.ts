// A sandbox's database lives in SQLite's own memory, not in a file of Emscripten's file system that is
// copied whole each time it grows (docs/PERFORMANCE.md, "Progress at a million rows"). Opening a save
// copies its pages in; saving backs them up out. Both must keep every byte of data.
import { describe, expect, it } from 'vitest';
import { all } from '../../src/lib/engine/db/sql';
import { openDatabase, type Database } from '../../src/lib/engine/db/sqlite';
import { createHost } from '../../src/lib/engine/host';
import { openSandbox } from '../../src/lib/engine/index';
import { identitySandbox } from './identity-sandbox';

const mainFile = (db: Database) =>
  all<{ file: string }>(db, { sql: "SELECT file FROM pragma_database_list WHERE name = 'main'" })[0].file;

/** Every table's rows in rowid or key order: what a copy must answer exactly as the original. */
function contents(db: Database): Record<string, unknown[]> {
  const tables = all<{ name: string }>(db, {
    sql: "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"
  });
  return Object.fromEntries(
    tables.map(({ name }) => [name, db.exec(`SELECT * FROM "${name}" ORDER BY 1, 2`)])
  );
}

describe('the database in memory', () => {
  it('has no file, whether new or opened from a save', async () => {
    const fresh = await openDatabase();
    fresh.run('CREATE TABLE t (a)');
    const opened = await openDatabase(fresh.export());
    expect(mainFile(fresh)).toBe('');
    expect(mainFile(opened)).toBe('');
    expect(opened.exec("SELECT name FROM sqlite_schema WHERE name = 't'")[0].values).toEqual([['t']]);
    fresh.close();
    opened.close();
  });

  it('opens a saved sandbox page for page, and a change to the copy leaves the save alone', async () => {
    const sb = await openSandbox({ template: 'securfinancial' });
    const saved = await sb.export();
    const before = contents(await openDatabase(saved));
    const copy = await openDatabase(saved);
    expect(contents(copy)).toEqual(before);
    copy.run('DELETE FROM records');
    expect(contents(await openDatabase(saved))).toEqual(before);
    expect(copy.exec('PRAGMA integrity_check')[0].values).toEqual([['ok']]);
    copy.close();
    sb.close();
  });

  it('saves what an upload added, and the save opens again with it', async () => {
    const sb = await openSandbox({ template: 'securfinancial' });
    const people = Array.from({ length: 3000 }, (_, i) => `p${i}@x.com,CRM-${i}`).join('\n');
    const report = await sb.ingest('CRM Profiles', `person.email,person.crmId\n${people}\n`);
    expect(report.rowsIngested).toBe(3000);
    const reopened = await openSandbox({ bytes: await sb.export() });
    const ada = await reopened.profile('email', 'p2999@x.com');
    expect(ada?.identities.map((i) => i.id).sort()).toEqual(['CRM-2999', 'p2999@x.com']);
    expect(await reopened.summary()).toEqual(await sb.summary());
    reopened.close();
    sb.close();
  });

  it('closes once and then refuses statements, however often it is closed', async () => {
    const db = await openDatabase();
    db.close();
    expect(() => db.close()).not.toThrow();
    expect(() => db.exec('SELECT 1')).toThrow('Database closed');
  });

  it("refuses bytes that are not SQLite with SQLite's reason", async () => {
    await expect(openDatabase(new Uint8Array(8192).fill(7))).rejects.toThrow('file is not a database');
  });

  it('says when memory is used up, and the host closes the open sandbox to make room for the next', async () => {
    const sb = await identitySandbox();
    const long = 'x'.repeat(2000);
    const rows = Array.from({ length: 5000 }, (_, i) => `p${i}@x.com,${long}${i}`).join('\n');
    expect((await sb.ingest('People', `email,name\n${rows}\n`)).rowsIngested).toBe(5000);
    const saved = await sb.export();
    sb.close();
    const host = createHost();
    await host.open({ bytes: saved });
    // SQLite's own limit stands in for WebAssembly's 2 GiB: room for one copy of the sandbox, not two.
    // The limit can only be lowered, never lifted again, so this file sets it once, last.
    const limiter = await openDatabase();
    limiter.run(`PRAGMA hard_heap_limit = ${Math.round(saved.byteLength * 1.5)}`);
    try {
      const refused = await openSandbox({ bytes: saved }).then(
        () => null,
        (e: unknown) => e
      );
      expect(refused).toMatchObject({ code: 'out_of_memory' });
      expect((refused as Error).message).toContain("The engine's memory is used up");
      await host.open({ bytes: saved });
      expect((await host.call('summary')).records).toBe(5000);
    } finally {
      limiter.close();
    }
  });
});
