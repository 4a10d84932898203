// The overview's and the profile browser's counts are kept, not counted (engine/profile/counts.ts): after
// any change they must be exactly what counting every row gives, and a file's own counts are never
// believed.
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/engine/db/sqlite';
import { openSandbox } from '../../src/lib/engine/index';
import type { Sandbox } from '../../src/lib/engine/types';
import { identitySandbox } from './identity-sandbox';

const people = (rows: string[]) => ['email,crm,phone,ecid,name,lastUpdated', ...rows].join('\n') + '\n';

/** The summary and browser totals, and the same numbers counted row by row. */
async function shownAndCounted(sb: Sandbox) {
  const s = await sb.summary();
  const total = async (kind: 'customer' | 'prospect' | 'anonymous') =>
    (await sb.browseProfiles({ kind, limit: 1 })).total;
  const shown = {
    customers: s.customers,
    prospects: s.prospects,
    anonymous: s.anonymous,
    browsed: [await total('customer'), await total('prospect'), await total('anonymous')],
    identities: s.identities,
    records: s.records,
    perDataset: s.datasets.map((d) => [d.name, d.records])
  };
  const n = async (sql: string) => Number((await sb.query(sql)).rows[0][0]);
  const kind = (k: string) => n(`SELECT count(*) FROM profiles WHERE kind = '${k}'`);
  const counted = {
    customers: await kind('customer'),
    prospects: await kind('prospect'),
    anonymous: await kind('anonymous'),
    browsed: [await kind('customer'), await kind('prospect'), await kind('anonymous')],
    identities: await n('SELECT count(*) FROM identities'),
    records: await n('SELECT count(*) FROM records'),
    perDataset: (
      await sb.query(
        `SELECT d.name, (SELECT count(*) FROM records r WHERE r.dataset_id = d.id)
           FROM datasets d ORDER BY d.created_at, d.name`
      )
    ).rows
  };
  return { shown, counted };
}

async function expectExact(sb: Sandbox): Promise<void> {
  const { shown, counted } = await shownAndCounted(sb);
  expect(shown).toEqual(counted);
}

describe('the kept counts', () => {
  it('are exact after every kind of change', async () => {
    const sb = await identitySandbox();
    await expectExact(sb);
    const first = await sb.ingest(
      'People',
      people(['a@x.com,C1,,e1,Ann,2026-01-01T00:00:00Z', 'b@x.com,C2,,e2,Bob,2026-01-02T00:00:00Z'])
    );
    await expectExact(sb);
    // the same file again (claims, no new records), events, partner rows, a shared device
    await sb.ingest(
      'People',
      people(['a@x.com,C1,,e1,Ann,2026-01-01T00:00:00Z', 'b@x.com,C2,,e2,Bob,2026-01-02T00:00:00Z'])
    );
    await sb.ingest(
      'Events',
      'timestamp,eventType,ecid,crm\n2026-03-01T00:00:00Z,web.pageView,e7,\n2026-03-02T00:00:00Z,user.login,e7,C2\n'
    );
    await sb.ingest(
      'Partners',
      'email,partnerId,netWorth,lastUpdated\na@x.com,P1,100,2026-03-03T00:00:00Z\nz@x.com,P2,5,2026-03-04T00:00:00Z\n'
    );
    await sb.ingest('People', people(['c@x.com,C3,,e1,Cy,2026-04-01T00:00:00Z']));
    await expectExact(sb);
    const bad = await sb.ingest('People', people(['d@x.com,C4,,,Di,nope']));
    expect(bad.status).toBe('failed');
    await expectExact(sb);
    await sb.deleteBatch(first.batchId);
    await expectExact(sb);
    await sb.ingest(
      'People',
      people(['d@x.com,C4,,shared,Di,2026-05-04T00:00:00Z', 'e@x.com,C5,,shared,Ed,2026-05-05T00:00:00Z'])
    );
    await sb.updateIdentitySettings({ blockedValues: ['shared'] });
    await expectExact(sb);
    await sb.setDatasetLabels('People', ['THIRD_PARTY']);
    await expectExact(sb);
    sb.close();
  });

  it('are counted again when a file is opened, whatever the file says', async () => {
    const sb = await identitySandbox();
    await sb.ingest(
      'People',
      people(['a@x.com,C1,,e1,Ann,2026-01-01T00:00:00Z', ',,,e9,,2026-01-03T00:00:00Z'])
    );
    const db = await openDatabase(await sb.export());
    db.run('UPDATE counts SET n = n + 1000');
    const reopened = await openSandbox({ bytes: db.export() });
    db.close();
    await expectExact(reopened);
    expect((await reopened.summary()).profiles).toBe(2);
    sb.close();
    reopened.close();
  });

  it('start right in a template sandbox', async () => {
    const sb = await openSandbox({ template: 'securfinancial' });
    await expectExact(sb);
    sb.close();
  });
});
