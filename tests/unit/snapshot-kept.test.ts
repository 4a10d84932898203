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

describe('the audience snapshot, kept by ingest', () => {
  it('is current and exact after batches that add, merge and split profiles, for every policy', async () => {
    const sb = await identitySandbox();
    await sb.createMergePolicy({ name: 'No stitching', stitching: 'none' });
    await sb.createMergePolicy({
      name: 'Partner first',
      attributeMerge: 'datasetPrecedence',
      datasetOrder: ['Partners', 'People']
    });
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
