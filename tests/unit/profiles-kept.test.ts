// The profiles table that ingest keeps slice by slice (a new profile's row from the records the writer
// holds, the others derived again in SQL) must be exactly the table a rebuild from every record gives:
// the same profiles, each with the same kind and last update, and the same counts.
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/engine/db/sqlite';
import { openSandbox } from '../../src/lib/engine/index';
import type { Sandbox } from '../../src/lib/engine/types';
import { identitySandbox } from './identity-sandbox';

const ROWS = 5000; // over two slices of 2,000 (ingest STITCH_SLICE), so graphs cross slices

const day = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();

/**
 * People: customers, some with a second row under the same email in the same slice or a slice later
 * (each older than the first: a profile's last update is its latest record, not its last); some
 * cookie-only.
 */
function people(): string {
  const lines = ['email,crm,phone,ecid,name,lastUpdated'];
  for (let i = 0; i < ROWS; i++) {
    if (i % 7 === 3) lines.push(`,,,web-${i},Cookie ${i},${day(i)}`);
    else {
      const person = i % 5 === 4 && i >= 2500 ? i - 2500 : i % 11 === 10 ? i - 1 : i;
      lines.push(`p${person}@x.com,C${person},,web-${i},Name ${i},${day(ROWS - i)}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** Events: cookies of their own (anonymous), and cookies that log in as a customer. */
function events(): string {
  const lines = ['timestamp,eventType,ecid,crm'];
  for (let i = 0; i < 1500; i++)
    lines.push(i % 3 === 0 ? `${day(i)},web.pageView,anon-${i},` : `${day(i)},user.login,dev-${i},C${i * 2}`);
  return lines.join('\n') + '\n';
}

/** Partner rows keyed by email: half reach customers, half are people no first party knows. */
const partners = () =>
  ['email,partnerId,netWorth,lastUpdated']
    .concat(
      Array.from(
        { length: 1000 },
        (_, i) => `${i % 2 ? `p${i}` : `stranger${i}`}@x.com,PID${i},${i},${day(i)}`
      )
    )
    .join('\n') + '\n';

/** Rows keyed by a partner id alone, one of them a partner id the enrichment above brought. */
const byPartnerId = () =>
  ['partnerId,score']
    .concat(Array.from({ length: 300 }, (_, i) => `${i === 0 ? 'PID1' : `Q${i}`},${i}`))
    .join('\n') + '\n';

/**
 * A second file for People: rows of known people (newer, older), known people on a cookie another
 * person had (one person per graph: the cookie's graph splits or is refused), and new people.
 */
function morePeople(): string {
  const lines = ['email,crm,phone,ecid,name,lastUpdated'];
  for (let i = 0; i < 3000; i++) {
    const known = i * 2;
    if (i % 3 === 0) lines.push(`p${known}@x.com,C${known},,web-${known},Again ${i},${day(i * 3)}`);
    else if (i % 3 === 1) lines.push(`p${known}@x.com,C${known},,web-${known + 1},Shared ${i},${day(i)}`);
    else lines.push(`new${i}@x.com,N${i},,web2-${i},New ${i},${day(i)}`);
  }
  return lines.join('\n') + '\n';
}

/** Cookies that were anonymous log in as known customers: two profiles merge into one. */
function logins(): string {
  const lines = ['timestamp,eventType,ecid,crm'];
  for (let i = 0; i < 1500; i += 3) lines.push(`${day(9000 + i)},user.login,anon-${i},C${i + 1}`);
  return lines.join('\n') + '\n';
}

async function tableOf(sb: Sandbox) {
  const rows = (await sb.query('SELECT pno, kind, updated FROM profiles ORDER BY pno')).rows;
  const counts = (
    await sb.query("SELECT key, n FROM counts WHERE key LIKE 'profiles:%' AND n != 0 ORDER BY key")
  ).rows;
  return { rows, counts };
}

/** The same sandbox with its profiles table thrown away: the first read derives it from every record. */
async function rebuilt(sb: Sandbox) {
  const db = await openDatabase(await sb.export());
  db.run("DELETE FROM profiles; INSERT OR REPLACE INTO meta (key, value) VALUES ('profilesStale', '1')");
  const copy = await openSandbox({ bytes: db.export() });
  db.close();
  await copy.summary(); // a read: the table is rebuilt, and the counts counted again
  const table = await tableOf(copy);
  copy.close();
  return table;
}

/** Rows keyed by a partner id alone, each id again in a later slice of the same file. */
const partnerIdsAcrossSlices = () =>
  ['partnerId,score'].concat(Array.from({ length: 4500 }, (_, i) => `R${i % 2100},${i}`)).join('\n') + '\n';

/** Partner rows that bring a cookie with the email: prospects, each with a device. */
const partnerCookies = () =>
  ['email,ecid'].concat(Array.from({ length: 4500 }, (_, i) => `lead${i}@x.com,pc-${i}`)).join('\n') + '\n';

/** Events on those devices: first-party records with no person-level id join prospects. */
function prospectVisits(): string {
  const lines = ['timestamp,eventType,ecid,crm'];
  for (let i = 0; i < 4500; i += 2) lines.push(`${day(i)},web.pageView,pc-${i},`);
  return lines.join('\n') + '\n';
}

/** A few emails on a great many cookies: graphs past the identity limit, whose identities are evicted. */
function crowdedEmails(): string {
  const lines = ['email,crm,phone,ecid,name,lastUpdated'];
  for (let i = 0; i < 4500; i++) lines.push(`crowd${i % 20}@x.com,,,crowd-${i},Crowd ${i},${day(i)}`);
  return lines.join('\n') + '\n';
}

/** The identity tests' sandbox, with a dataset keyed by a partner id alone. */
async function sandbox(): Promise<Sandbox> {
  const sb = await identitySandbox();
  await sb.createSchema({
    name: 'Partner Scores',
    class: 'profile',
    fields: [
      { path: 'partnerId', type: 'string', identity: { namespace: 'PartnerID', primary: true } },
      { path: 'score', type: 'number' }
    ]
  });
  await sb.createDataset({ name: 'Scores', schema: 'Partner Scores' });
  return sb;
}

/** Ingests the file, then holds the kept table to a rebuild. */
async function expectKeptAfter(sb: Sandbox, dataset: string, file: string): Promise<void> {
  const report = await sb.ingest(dataset, file);
  expect(report.status, `${dataset}: ${JSON.stringify(report.errors.slice(0, 2))}`).toBe('success');
  expect(await tableOf(sb)).toEqual(await rebuilt(sb));
}

describe('the profiles table kept by ingest', () => {
  it('is the table its records derive, for every kind of profile and across slices', async () => {
    const sb = await sandbox();
    await sb.setDatasetLabels('Partners', ['THIRD_PARTY']);
    for (const [dataset, file] of [
      ['People', people()],
      ['Events', events()],
      ['Partners', partners()],
      ['Scores', byPartnerId()],
      ['People', morePeople()],
      ['Events', logins()],
      ['Partners', partners()]
    ] as const)
      await expectKeptAfter(sb, dataset, file);
    // every kind is there, so each path of the rule was taken
    const kinds = (await tableOf(sb)).counts.map((row) => String(row[0]));
    expect(kinds).toEqual(['profiles:anonymous', 'profiles:customer', 'profiles:prospect']);
    sb.close();
  });

  it('is the table its records derive for partner ids met again, undecided prospects and evictions', async () => {
    const sb = await sandbox();
    await sb.createSchema({
      name: 'Partner Cookie',
      class: 'profile',
      fields: [
        { path: 'email', type: 'string', identity: { namespace: 'Email', primary: true } },
        { path: 'ecid', type: 'string', identity: { namespace: 'ECID' } }
      ]
    });
    await sb.createDataset({ name: 'Leads', schema: 'Partner Cookie', labels: ['THIRD_PARTY'] });
    for (const [dataset, file] of [
      ['Scores', partnerIdsAcrossSlices()],
      ['Leads', partnerCookies()],
      ['Events', prospectVisits()],
      ['People', crowdedEmails()]
    ] as const)
      await expectKeptAfter(sb, dataset, file);
    sb.close();
  });
});
