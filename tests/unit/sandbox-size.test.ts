// A sandbox larger than MAX_SANDBOX_BYTES is saved but refused when the page opens it again, so an
// upload never takes a sandbox there: the batch stops, keeps nothing and says why. The limit is 1 GiB;
// the engine takes a smaller one here so the test needs no gigabyte.
import { describe, expect, it } from 'vitest';
import { findDataset } from '../../src/lib/engine/catalog/datasets';
import { listNamespaces } from '../../src/lib/engine/catalog/namespaces';
import { findSchema } from '../../src/lib/engine/catalog/schemas';
import { all } from '../../src/lib/engine/db/sql';
import { openDatabase } from '../../src/lib/engine/db/sqlite';
import { ingestFile } from '../../src/lib/engine/ingest/ingest';
import { identitySandbox } from './identity-sandbox';

const MIB = 2 ** 20;

describe('the sandbox size limit', () => {
  it('stops an upload that would pass it, keeping nothing, and lets one that fits through', async () => {
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
    const rows = Array.from({ length: 20_000 }, (_, i) => `p${i}@x.com,Person ${i} ${'x'.repeat(100)}`);
    const file = `email,name\n${rows.join('\n')}\n`;
    const size = () => {
      const [{ c, s }] = all<{ c: number; s: number }>(db, {
        sql: 'SELECT page_count AS c, page_size AS s FROM pragma_page_count(), pragma_page_size()'
      });
      return c * s;
    };
    const before = size();
    const records = () => all<{ n: number }>(db, { sql: 'SELECT count(*) AS n FROM records' })[0].n;

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
});
