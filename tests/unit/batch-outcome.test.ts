// What a batch report says a batch did to the profiles: records that joined a profile that was there
// before, profiles it made, and the count after it (the overview's number), kept in the batch history.
import { describe, expect, it } from 'vitest';
import { identitySandbox } from './identity-sandbox';

const HEADER = 'email,phone,ecid,lastUpdated';

describe('batch profile outcome', () => {
  it('counts matched records, new profiles and the profiles after each batch', async () => {
    const sb = await identitySandbox();
    const first = await sb.ingest(
      'People',
      `${HEADER}\na@x.com,,E1,2024-01-01T00:00:00Z\nb@x.com,,,2024-01-01T00:00:00Z\n`
    );
    expect(first).toMatchObject({ recordsMatched: 0, profilesCreated: 2, profilesAfter: 2 });

    // a@x.com again, a cookie that reaches a@x.com's profile through a new email, and one new person
    const second = await sb.ingest(
      'People',
      `${HEADER}\na@x.com,555,,2024-02-01T00:00:00Z\nz@x.com,,E1,2024-02-01T00:00:00Z\nc@x.com,,,2024-02-01T00:00:00Z\n`
    );
    expect(second).toMatchObject({
      rowsIngested: 3,
      recordsMatched: 2,
      profilesCreated: 1,
      profilesAfter: 3
    });
    expect((await sb.summary()).profiles).toBe(3);

    const failed = await sb.ingest('People', `${HEADER}\nnot-an-email,,,yesterday\n`);
    expect(failed).toMatchObject({
      status: 'failed',
      recordsMatched: 0,
      profilesCreated: 0,
      profilesAfter: 3
    });

    const history = await sb.batches('People');
    expect(history.map((b) => [b.recordsMatched, b.profilesCreated, b.profilesAfter])).toEqual([
      [0, 2, 2],
      [2, 1, 3],
      [0, 0, 3]
    ]);
  });

  it('counts matched records the same way when the batch reaches few old profiles among many new ones', async () => {
    const sb = await identitySandbox();
    await sb.ingest(
      'Partners',
      'email,partnerId,netWorth,lastUpdated\na@x.com,P1,100,2024-01-01T00:00:00Z\n,P2,5,2024-01-01T00:00:00Z\n'
    );
    // P2 keys a record of its own (a partner id, outside the graphs); a@x.com's graph holds P1's row
    const rows = [',P2,7,2024-02-01T00:00:00Z', 'a@x.com,,110,2024-02-01T00:00:00Z'];
    for (let i = 0; i < 30; i++) rows.push(`n${i}@x.com,,1,2024-02-01T00:00:00Z`);
    const report = await sb.ingest('Partners', `email,partnerId,netWorth,lastUpdated\n${rows.join('\n')}\n`);
    expect(report).toMatchObject({ status: 'success', recordsMatched: 2, profilesCreated: 30 });
  });

  it('counts a graph merged away by a later slice of the file once, in the profile it merged into', async () => {
    const sb = await identitySandbox();
    // rows are stored and stitched 2,000 at a time: the merge happens two slices after the graphs
    const rows = [`a@x.com,,E1,2024-01-01T00:00:00Z`, `b@x.com,,E2,2024-01-01T00:00:00Z`];
    for (let i = 0; i < 4_500; i++) rows.push(`p${i}@x.com,,,2024-01-02T00:00:00Z`);
    rows.push(`,,E1,2024-01-03T00:00:00Z`, `a@x.com,,E2,2024-01-04T00:00:00Z`);
    const report = await sb.ingest('People', `${HEADER}\n${rows.join('\n')}\n`);
    expect(report).toMatchObject({ status: 'success', profilesCreated: 4_501, profilesAfter: 4_501 });
    // every profile the batch made, the merged one once
    expect(report.profilesTouched).toBe(4_501);
    expect((await sb.profile('Email', 'b@x.com'))!.identities.map((i) => i.id).sort()).toEqual(
      ['E1', 'E2', 'a@x.com', 'b@x.com'].sort()
    );
  });
});
