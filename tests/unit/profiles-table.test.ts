// The profiles table (engine/profile/profiles.ts) holds what kindSql derives from every record: after any
// change, what counts and the profile browser read must be exactly that, kept incrementally by ingest
// and rebuilt after the changes that mark it stale.
import { describe, expect, it } from 'vitest';
import { isPartnerData, kindSql } from '../../src/lib/engine/profile/kind';
import type { Sandbox, SchemaDef } from '../../src/lib/engine/types';
import { identitySandbox } from './identity-sandbox';

/** The profiles as kindSql derives them from every record, and as the table holds them. */
async function bothWays(sb: Sandbox): Promise<{ table: unknown[][]; derived: unknown[][] }> {
  const datasets = await sb.query(
    'SELECT d.id, s.def, d.labels FROM datasets d JOIN schemas s ON s.id = d.schema_id'
  );
  const partner = datasets.rows
    .filter(([, def, labels]) =>
      isPartnerData(JSON.parse(String(def)) as SchemaDef, JSON.parse(String(labels)) as string[])
    )
    .map(([id]) => `'${String(id)}'`);
  const derived = await sb.query(
    `SELECT comp, kind, updated FROM (${kindSql(partner.join(','))}) ORDER BY comp`
  );
  // a read first: a table marked stale is rebuilt before anything reads it
  await sb.summary();
  const table = await sb.query('SELECT pno, kind, updated FROM profiles ORDER BY pno');
  return { table: table.rows, derived: derived.rows };
}

async function expectCurrent(sb: Sandbox): Promise<void> {
  const { table, derived } = await bothWays(sb);
  expect(table).toEqual(derived);
  expect(table.length).toBeGreaterThan(0);
}

const people = (rows: string[]) => ['email,crm,phone,ecid,name,lastUpdated', ...rows].join('\n') + '\n';

describe('the profiles table', () => {
  it('is current after batches that add, merge and split profiles', async () => {
    const sb = await identitySandbox();
    await sb.ingest(
      'People',
      people([
        'a@x.com,C1,,e1,Ann,2026-01-01T00:00:00Z',
        'b@x.com,C2,,e2,Bob,2026-01-02T00:00:00Z',
        ',,,e9,,2026-01-03T00:00:00Z'
      ])
    );
    await expectCurrent(sb);
    // e2 now used by Ann too (newer): a shared device; e3 joins Bob; a new person
    await sb.ingest(
      'People',
      people([
        'a@x.com,C1,,e2,Ann,2026-02-01T00:00:00Z',
        'b@x.com,C2,,e3,Bob,2026-02-02T00:00:00Z',
        'c@x.com,C3,,e9,Cy,2026-02-03T00:00:00Z'
      ])
    );
    await expectCurrent(sb);
    await sb.ingest(
      'Events',
      'timestamp,eventType,ecid,crm\n2026-03-01T00:00:00Z,web.pageView,e7,\n2026-03-02T00:00:00Z,user.login,e7,C2\n'
    );
    await expectCurrent(sb);
    await sb.ingest(
      'Partners',
      'email,partnerId,netWorth,lastUpdated\na@x.com,P1,100,2026-03-03T00:00:00Z\nz@x.com,P2,5,2026-03-04T00:00:00Z\n'
    );
    await expectCurrent(sb);
    // what the overview and the profile browser show is the table
    const summary = await sb.summary();
    const listed = await sb.browseProfiles({ kind: 'customer', limit: 200 });
    expect(summary.customers).toBe(listed.total);
    expect(listed.profiles).toHaveLength(listed.total);
    expect(summary.profiles).toBe((await bothWays(sb)).table.length);
    sb.close();
  });

  it('is current after a batch is deleted, a value blocked and a dataset labelled partner data', async () => {
    const sb = await identitySandbox();
    await sb.ingest('People', people(['a@x.com,C1,,e1,Ann,2026-01-01T00:00:00Z']));
    const second = await sb.ingest(
      'People',
      people(['b@x.com,C2,,e1,Bob,2026-01-02T00:00:00Z', 'c@x.com,C3,,,Cy,2026-01-03T00:00:00Z'])
    );
    await expectCurrent(sb);
    await sb.deleteBatch(second.batchId);
    await expectCurrent(sb);
    await sb.ingest(
      'People',
      people(['d@x.com,C4,,shared,Di,2026-01-04T00:00:00Z', 'e@x.com,C5,,shared,Ed,2026-01-05T00:00:00Z'])
    );
    await sb.updateIdentitySettings({ blockedValues: ['shared'] });
    await expectCurrent(sb);
    // labelled THIRD_PARTY, the people dataset is partner data: its profiles become prospects
    await sb.setDatasetLabels('People', ['THIRD_PARTY']);
    await expectCurrent(sb);
    expect((await sb.summary()).customers).toBe(0);
    await sb.setDatasetLabels('People', []);
    await expectCurrent(sb);
    expect((await sb.summary()).customers).toBeGreaterThan(0);
    sb.close();
  });

  it('is rolled back with a failed batch', async () => {
    const sb = await identitySandbox();
    await sb.ingest('People', people(['a@x.com,C1,,e1,Ann,2026-01-01T00:00:00Z']));
    const before = (await bothWays(sb)).table;
    const bad = await sb.ingest('People', people(['b@x.com,C2,,e2,Bob,not-a-date', 'c@x.com,C3,,,Cy,nope']));
    expect(bad.status).toBe('failed');
    expect((await bothWays(sb)).table).toEqual(before);
    sb.close();
  });
});
