// A sandbox larger than MAX_SANDBOX_BYTES is saved but refused when the page opens it again, so an
// upload never takes a sandbox there: the batch stops, keeps nothing and says why. The limit is 1 GiB;
// the engine takes a smaller one here so the test needs no gigabyte.
import { describe, expect, it } from 'vitest';
import { findDataset } from '../../src/lib/engine/catalog/datasets';
import { listNamespaces } from '../../src/lib/engine/catalog/namespaces';
import { findSchema } from '../../src/lib/engine/catalog/schemas';
import { all } from '../../src/lib/engine/db/sql';
import { openDatabase, type Database } from '../../src/lib/engine/db/sqlite';
import { ingestFile } from '../../src/lib/engine/ingest/ingest';
import { identitySandbox } from './identity-sandbox';

const MIB = 2 ** 20;

const sizeOf = (db: Database) => {
  const [{ c, s }] = all<{ c: number; s: number }>(db, {
    sql: 'SELECT page_count AS c, page_size AS s FROM pragma_page_count(), pragma_page_size()'
  });
  return c * s;
};

/** People rows of about 130 bytes, each a person of its own. */
const peopleFile = (rows: number, prefix: string) =>
  `email,name\n${Array.from({ length: rows }, (_, i) => `${prefix}${i}@x.com,Person ${i} ${'x'.repeat(100)}`).join('\n')}\n`;

/** A sandbox with one person in People, opened as a bare database so ingest can be given a limit. */
async function peopleDb() {
  const sb = await identitySandbox();
  await sb.ingest('People', 'email,name\nann@x.com,Ann\n');
  const db = await openDatabase(await sb.export());
  sb.close();
  const ctx = (maxBytes: number) => ({
    db,
    namespaces: new Map(listNamespaces(db).map((n) => [n.code, n])),
    blocked: new Set<string>(),
    maxBytes
  });
  const ds = findDataset(db, 'People');
  const schema = findSchema(db, ds.schema);
  const size = () => sizeOf(db);
  const records = () => all<{ n: number }>(db, { sql: 'SELECT count(*) AS n FROM records' })[0].n;
  return { db, ctx, ds, schema, size, records };
}

describe('the sandbox size limit', () => {
  it('stops an upload that would pass it, keeping nothing, and lets one that fits through', async () => {
    const { db, ctx, ds, schema, size, records } = await peopleDb();
    const file = peopleFile(20_000, 'p');
    const before = size();

    const refused = await ingestFile(ctx(before + 9 * MIB), ds, schema, file, { fileName: 'big.csv' });
    expect(refused.status).toBe('failed');
    expect(refused.rowsIngested).toBe(0);
    expect(refused.errors[0]).toMatchObject({ code: 'SANDBOX_FULL' });
    expect(refused.errors[0].message).toMatch(
      /^The upload stopped at row \d+: it would make this sandbox larger than \d+ MiB/
    );
    expect(records()).toBe(1);
    // listed as a failed batch, like any other
    expect(all(db, { sql: "SELECT status FROM batches WHERE file_name = 'big.csv'" })).toEqual([
      { status: 'failed' }
    ]);

    const taken = await ingestFile(ctx(before + 64 * MIB), ds, schema, file, { fileName: 'fits.csv' });
    expect(taken).toMatchObject({ status: 'success', rowsIngested: 20_000 });
    expect(records()).toBe(20_001);
    db.close();
  });

  it('refuses a batch of known length after its first rows when all of them would not fit', async () => {
    const { db, ctx, ds, schema, size, records } = await peopleDb();
    const rows = 40_000;
    const file = peopleFile(rows, 'q');
    const before = size();
    // what the whole file takes, measured in a copy of the same sandbox
    const copy = await openDatabase(db.export());
    const whole = await ingestFile({ ...ctx(2 ** 40), db: copy }, ds, schema, file);
    expect(whole.status).toBe('success');
    const needs = sizeOf(copy) - before;
    copy.close();
    const limit = before + 8 * MIB + Math.round(needs * 0.6);

    // unknown length: it goes on until the sandbox is full, at about 60% of the file
    const late = await ingestFile(ctx(limit), ds, schema, file);
    expect(late.errors[0]).toMatchObject({ code: 'SANDBOX_FULL' });
    expect(late.errors[0].row).toBeGreaterThan(rows * 0.5);

    const early = await ingestFile({ ...ctx(limit), expectedRows: rows }, ds, schema, file);
    expect(early).toMatchObject({ status: 'failed', rowsIngested: 0 });
    expect(early.errors[0]).toMatchObject({ code: 'SANDBOX_FULL' });
    expect(early.errors[0].row).toBeLessThan(rows * 0.3);
    const fit = Number(
      /About ([\d,]+) rows like these fit/.exec(early.errors[0].message)?.[1].replace(/,/g, '')
    );
    // the rows that fit, as the refusal says, are about what the limit allows of the whole (60%)
    expect(fit).toBeGreaterThan(rows * 0.5);
    expect(fit).toBeLessThan(rows * 0.7);
    expect(early.errors[0].message).toMatch(
      /^The upload stopped at row \d+: its rows so far take about [\d.]+ kB each, so all 40,000 would make this sandbox about [\d,]+ MiB, more than [\d,]+ MiB/
    );
    expect(records()).toBe(1);

    // known length that fits: taken whole, the projection never refuses it
    const taken = await ingestFile(
      { ...ctx(before + 8 * MIB + needs * 1.1), expectedRows: rows },
      ds,
      schema,
      file
    );
    expect(taken).toMatchObject({ status: 'success', rowsIngested: rows });
    db.close();
  });
});
