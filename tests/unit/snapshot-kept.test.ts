// Ingest keeps the audience snapshots current slice by slice (engine/segment/snapshot.ts keepSnapshots):
// after any batch, each kept snapshot must be exactly what a rebuild from every record gives, and its
// state must say so — then the first evaluation after an upload rebuilds nothing.
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/engine/db/sqlite';
import { all } from '../../src/lib/engine/db/sql';
import { listMergePolicies } from '../../src/lib/engine/profile/mergePolicies';
import { refreshSnapshot, snapshotColumns } from '../../src/lib/engine/segment/snapshot';
import type { Sandbox } from '../../src/lib/engine/types';
import { identitySandbox } from './identity-sandbox';

const people = (rows: string[]) => ['email,crm,phone,ecid,name,lastUpdated', ...rows].join('\n') + '\n';

/** Every policy's snapshot rows as kept, and as a rebuild from scratch of the same file makes them. */
async function keptAndRebuilt(sb: Sandbox) {
  const db = await openDatabase(await sb.export());
  try {
    const rows = () => all(db, { sql: 'SELECT * FROM seg_profiles ORDER BY policy, pid' });
    const state = all<{ policy: string; max_rid: number }>(db, {
      sql: 'SELECT policy, max_rid FROM seg_state ORDER BY policy'
    });
    const maxRid = all<{ m: number }>(db, { sql: 'SELECT max(rid) AS m FROM records' })[0].m;
    const kept = rows();
    const policies = listMergePolicies(db).filter((p) => state.some((s) => s.policy === p.id));
    db.run('DELETE FROM seg_state');
    for (const p of policies) refreshSnapshot(db, p, snapshotColumns(db));
    return { state, maxRid, kept, rebuilt: rows() };
  } finally {
    db.close();
  }
}

async function expectKept(sb: Sandbox, policies: number): Promise<void> {
  const { state, maxRid, kept, rebuilt } = await keptAndRebuilt(sb);
  expect(state).toHaveLength(policies);
  for (const s of state) expect(s.max_rid).toBe(maxRid);
  expect(kept).toEqual(rebuilt);
  expect(kept.length).toBeGreaterThan(0);
}

/** The identity sandbox with a policy without stitching and one that ranks partner data first. */
async function withPolicies(): Promise<Sandbox> {
  const sb = await identitySandbox();
  await sb.createMergePolicy({ name: 'No stitching', stitching: 'none' });
  await sb.createMergePolicy({
    name: 'Partner first',
    attributeMerge: 'datasetPrecedence',
    datasetOrder: ['Partners', 'People']
  });
  return sb;
}

describe('the audience snapshot, kept by ingest', () => {
  it('is current and exact after batches that add, merge and split profiles, for every policy', async () => {
    const sb = await withPolicies();
    await sb.ingest(
      'People',
      people([
        'a@x.com,C1,,e1,Ann,2026-01-01T00:00:00Z',
        'b@x.com,C2,,e2,Bob,2026-01-02T00:00:00Z',
        ',,,e9,,2026-01-03T00:00:00Z'
      ])
    );
    // the default policy is kept from the first batch on; the others once they have been evaluated
    await expectKept(sb, 1);
    await sb.evaluate('name = "Ann"', { mergePolicy: 'No stitching' });
    await sb.evaluate('name = "Ann"', { mergePolicy: 'Partner first' });
    // a shared device (e2 now Ann's, newer), a device joining Bob, a new person taking e9
    await sb.ingest(
      'People',
      people([
        'a@x.com,C1,,e2,Ann,2026-02-01T00:00:00Z',
        'b@x.com,C2,,e3,Bobby,2026-02-02T00:00:00Z',
        'c@x.com,C3,,e9,Cy,2026-02-03T00:00:00Z'
      ])
    );
    await expectKept(sb, 3);
    await sb.ingest(
      'Events',
      'timestamp,eventType,ecid,crm\n2026-03-01T00:00:00Z,web.pageView,e7,\n2026-03-02T00:00:00Z,user.login,e7,C2\n'
    );
    await expectKept(sb, 3);
    await sb.ingest(
      'Partners',
      'email,partnerId,netWorth,lastUpdated\na@x.com,P1,100,2026-03-03T00:00:00Z\nz@x.com,P2,5,2026-03-04T00:00:00Z\n'
    );
    await expectKept(sb, 3);
    // what an audience counts right after the upload is the kept snapshot
    expect((await sb.evaluate('name = "Bobby"')).count).toBe(1);
    expect((await sb.evaluate('netWorth > 50', { mergePolicy: 'Partner first' })).count).toBe(1);
    sb.close();
  });

  it('writes the rows of profiles a slice makes from its own records, as a rebuild makes them', async () => {
    // Over 2,000 rows is more than one slice: people new in a slice get their row from the slice's
    // records; people who span two slices, or join one stored before, are rewritten from storage
    const sb = await withPolicies();
    await sb.ingest('People', people(['old@x.com,C0,,e0,Olga,2026-01-01T00:00:00Z']));
    await sb.evaluate('name = "Olga"', { mergePolicy: 'No stitching' });
    await sb.evaluate('name = "Olga"', { mergePolicy: 'Partner first' });
    const rows: string[] = [];
    for (let i = 0; i < 2_600; i++) {
      const day = String(1 + (i % 28)).padStart(2, '0');
      // a person's later row comes first in the file, with another name: the merge order decides
      if (i % 7 === 0) rows.push(`p${i}@x.com,C${i},,,Later${i},2026-03-${day}T00:00:00Z`);
      rows.push(`p${i}@x.com,C${i},,e${i},Early${i},2026-02-${day}T00:00:00Z`);
      // a person seen again two slices on, and one joining the person stored before
      if (i % 500 === 1) rows.push(`p${i - 1}@x.com,,,e${i + 10_000},Again${i},2026-04-01T00:00:00Z`);
      if (i === 1_999) rows.push(`old@x.com,,,e${i},Oleg,2026-04-02T00:00:00Z`);
    }
    expect((await sb.ingest('People', people(rows))).status).toBe('success');
    await expectKept(sb, 3);
    // cookies no person has, in a slice of their own: profiles with no attribute
    const events = ['timestamp,eventType,ecid,crm'];
    for (let i = 0; i < 2_100; i++)
      events.push(`2026-03-01T00:00:00Z,web.pageView,v${i},${i % 3 ? '' : `C${i}`}`);
    expect((await sb.ingest('Events', events.join('\n') + '\n')).status).toBe('success');
    await expectKept(sb, 3);
    // partner rows keyed by email, and keyed by a partner id alone where the email is missing
    const partners = ['email,partnerId,netWorth,lastUpdated'];
    for (let i = 0; i < 2_100; i++)
      partners.push(`${i % 2 ? `p${i}@x.com` : ''},P${i},${i},2026-03-05T00:00:00Z`);
    expect((await sb.ingest('Partners', partners.join('\n') + '\n')).status).toBe('success');
    await expectKept(sb, 3);
    expect((await sb.evaluate('name = "Later7"')).count).toBe(1);
    expect((await sb.evaluate('name = "Oleg"')).count).toBe(1);
    sb.close();
  });

  it('is brought up to date by the next batch after a deleted batch invalidated it', async () => {
    const sb = await identitySandbox();
    const first = await sb.ingest('People', people(['a@x.com,C1,,e1,Ann,2026-01-01T00:00:00Z']));
    await sb.ingest('People', people(['b@x.com,C2,,e2,Bob,2026-01-02T00:00:00Z']));
    await sb.deleteBatch(first.batchId);
    await sb.ingest('People', people(['c@x.com,C3,,e1,Cy,2026-01-03T00:00:00Z']));
    await expectKept(sb, 1);
    expect((await sb.evaluate('name = "Ann"')).count).toBe(0);
    sb.close();
  });

  it('is left as it was by a batch that fails', async () => {
    const sb = await identitySandbox();
    await sb.ingest('People', people(['a@x.com,C1,,e1,Ann,2026-01-01T00:00:00Z']));
    const before = await keptAndRebuilt(sb);
    const bad = await sb.ingest('People', people(['b@x.com,C2,,e2,Bob,2026-01-02T00:00:00Z', 'x,y']), {
      errorThreshold: 0
    });
    expect(bad.status).toBe('failed');
    expect(await keptAndRebuilt(sb)).toEqual(before);
    sb.close();
  });
});
