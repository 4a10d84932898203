// The sandbox dashboards (monitoring/dashboards.ts) against independent counts: summary(), every
// profile read through profile() and identityGraph(), evaluate() and batches(), on both templates.
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { openSandbox, type Dashboards, type Profile, type Sandbox } from '../../src/lib/engine/index';

const fixture = (name: string) => readFile(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

/** Every profile of the sandbox, read one by one through the Profile API. */
async function everyProfile(sb: Sandbox): Promise<Profile[]> {
  const out: Profile[] = [];
  for (const kind of ['customer', 'prospect', 'anonymous'] as const) {
    for (let offset = 0; ; offset += 200) {
      const page = await sb.browseProfiles({ kind, offset, limit: 200 });
      for (const item of page.profiles) {
        const p = await sb.profile('profileId', item.profileId);
        expect(p, item.profileId).not.toBeNull();
        expect(p!.kind).toBe(kind);
        out.push(p!);
      }
      if (offset + 200 >= page.total) break;
    }
  }
  return out;
}

/** What the dashboards say, counted again from the profiles themselves. */
function countedFrom(profiles: Profile[]) {
  const byNamespace = new Map<string, number>();
  const pairs = new Map<string, number>();
  const sizes = new Map<number, number>();
  let single = 0;
  for (const p of profiles) {
    const held = [...new Set(p.identities.map((i) => i.namespace))];
    for (const ns of held) byNamespace.set(ns, (byNamespace.get(ns) ?? 0) + 1);
    for (const a of held)
      for (const b of held) if (a < b) pairs.set(`${a}|${b}`, (pairs.get(`${a}|${b}`) ?? 0) + 1);
    if (p.identities.length === 1) single += 1;
    const linked = p.identities.filter((i) => i.inGraph).length;
    if (linked > 0) sizes.set(linked, (sizes.get(linked) ?? 0) + 1);
  }
  return { byNamespace, pairs, sizes, single };
}

function expectMatches(d: Dashboards, profiles: Profile[]): void {
  const c = countedFrom(profiles);
  expect(d.profiles).toBe(profiles.length);
  expect(Object.fromEntries(d.namespaces.map((n) => [n.namespace, n.profiles]))).toEqual(
    Object.fromEntries(c.byNamespace)
  );
  for (const o of d.overlap) {
    const key = [o.a, o.b].sort().join('|');
    expect(o.profiles, key).toBe(c.pairs.get(key) ?? 0);
  }
  // every pair of namespaces some profile holds is listed once
  const n = d.namespaces.length;
  expect(d.overlap).toHaveLength((n * (n - 1)) / 2);
  expect(d.singleIdentityProfiles).toBe(c.single);
  for (const b of d.graphSizes) {
    let graphs = 0;
    for (const [size, count] of c.sizes) if (size >= b.min && size <= b.max) graphs += count;
    expect(b.graphs, `graphs of ${b.label}`).toBe(graphs);
  }
  expect(d.graphs).toBe([...c.sizes.values()].reduce((a, b) => a + b, 0));
  expect(d.graphSizes.reduce((a, b) => a + b.graphs, 0)).toBe(d.graphs);
}

/** Graphs whose explanation shows a refused link, and the records behind those refusals. */
async function refusedInGraphs(sb: Sandbox, profiles: Profile[]) {
  let graphs = 0;
  const records = new Set<string>();
  for (const p of profiles) {
    const g = await sb.identityGraph('profileId', p.profileId);
    const refused = g?.edges.filter((e) => e.kind === 'refused') ?? [];
    if (refused.length) graphs += 1;
    for (const e of refused) records.add(`${e.batchId}:${e.row}`);
  }
  return { graphs, records: records.size };
}

async function expectAudiencesAndBatches(sb: Sandbox, d: Dashboards): Promise<void> {
  const audiences = await sb.audiences();
  expect(d.audiences.map((a) => a.name)).toEqual(audiences.map((a) => a.name));
  for (const a of audiences) {
    const size = d.audiences.find((x) => x.id === a.id)!.size;
    expect(size, a.name).toBe((await sb.evaluate(a.rule, { mergePolicy: a.mergePolicy })).count);
    expect(size, a.name).toBe((await sb.members(a.name)).length);
  }
  const batches = await sb.batches();
  expect(
    d.batches.map((b) => [b.batchId, b.dataset, b.status, b.rowsIngested, b.rowsFailed, b.bytes])
  ).toEqual(batches.map((b) => [b.batchId, b.dataset, b.status, b.rowsIngested, b.rowsFailed, b.bytes]));
  for (const [i, b] of batches.entries()) {
    expect(d.batches[i].durationMs).toBe(Date.parse(b.finishedAt) - Date.parse(b.startedAt));
    expect(d.batches[i].profilesAfter).toBe(b.profilesAfter);
  }
  expect(d.profileHistory.map((p) => p.batchId)).toEqual(
    batches.filter((b) => b.status === 'success' || b.status === 'partial').map((b) => b.batchId)
  );
}

describe('dashboards on the retail template', () => {
  let sb: Sandbox;
  let d: Dashboards;
  let profiles: Profile[];
  beforeAll(async () => {
    sb = await openSandbox({ template: 'retail' });
    d = await sb.dashboards();
    profiles = await everyProfile(sb);
  }, 120_000);

  it('counts profiles and their kinds as summary() does', async () => {
    const s = await sb.summary();
    expect([d.profiles, d.customers, d.prospects, d.anonymous, d.identities]).toEqual([
      s.profiles,
      s.customers,
      s.prospects,
      s.anonymous,
      s.identities
    ]);
    expect(d.anonymous).toBeGreaterThan(0);
    expect(d.graphLimit).toBe(50);
    expect(d.graphSizes.map((b) => b.label)).toEqual(['1', '2', '3', '4–5', '6–10', '11–20', '21–49', '50']);
  });

  it('counts namespaces, overlap, single-identity profiles and graph sizes as profile() lists them', () => {
    expectMatches(d, profiles);
    expect(d.namespaces.map((n) => n.namespace)).toEqual(expect.arrayContaining(['CRMID', 'Email', 'ECID']));
  });

  it('counts the graphs the shared family laptop kept apart, as identityGraph() explains them', async () => {
    const explained = await refusedInGraphs(sb, profiles);
    expect(explained.graphs).toBeGreaterThan(0);
    expect(d.refusals.graphs).toBe(explained.graphs);
    // the explanation keeps one refused edge per pair: at least those records are counted
    expect(d.refusals.records).toBeGreaterThanOrEqual(explained.records);
  });

  it('sizes audiences as evaluate() does and lists every batch with its duration', async () => {
    expect(d.audiences.length).toBeGreaterThan(0);
    await expectAudiencesAndBatches(sb, d);
    expect(d.profileHistory.at(-1)?.profiles).toBe(d.profiles);
  });

  it('a new batch adds a point to the profile count and moves the counts', async () => {
    const csv = [
      'person.crmId,person.email,person.name.firstName,lastUpdated',
      'CRM-MON001,mon.one@monitor.example,Mon,2026-06-01T00:00:00Z',
      'CRM-MON002,mon.two@monitor.example,Mo,2026-06-01T00:00:00Z',
      'CRM-MON003,mon.three@monitor.example,Mona,2026-06-01T00:00:00Z'
    ].join('\n');
    const report = await sb.ingest('Customer Profiles', csv, { fileName: 'monitor.csv' });
    expect(report.status).toBe('success');
    const after = await sb.dashboards();
    expect(after.profileHistory).toHaveLength(d.profileHistory.length + 1);
    expect(after.profileHistory.at(-1)).toMatchObject({
      batchId: report.batchId,
      dataset: 'Customer Profiles',
      profiles: d.profiles + 3
    });
    expect(after.profiles).toBe(d.profiles + 3);
    expect(after.customers).toBe(d.customers + 3);
    expect(after.batches.at(-1)).toMatchObject({
      batchId: report.batchId,
      fileName: 'monitor.csv',
      rowsIngested: 3
    });
    expect(after.namespaces.find((n) => n.namespace === 'CRMID')!.profiles).toBe(
      d.namespaces.find((n) => n.namespace === 'CRMID')!.profiles + 3
    );
  });

  it('puts a graph past the limit in the 50 bucket and does not count its evicted identities as refusals', async () => {
    const before = await sb.dashboards();
    const lines = ['timestamp,eventType,device.ecid,person.crmId,web.pageName'];
    for (let i = 0; i < 60; i++) {
      const ecid = `8${String(i).padStart(37, '0')}`;
      lines.push(`2026-04-01T10:${String(i).padStart(2, '0')}:00Z,web.pageView,${ecid},CRM-MON001,Home`);
    }
    expect((await sb.ingest('Web Events', lines.join('\n'))).status).toBe('success');
    const after = await sb.dashboards();
    expect(after.graphSizes.at(-1)!.graphs).toBe(before.graphSizes.at(-1)!.graphs + 1);
    expect(after.refusals).toEqual(before.refusals);
    const graph = await sb.identityGraph('CRMID', 'CRM-MON001');
    expect(graph!.nodes.filter((n) => n.inGraph)).toHaveLength(50);
  });
});

describe('dashboards on the securfinancial template', () => {
  let sb: Sandbox;
  let d: Dashboards;
  let profiles: Profile[];
  beforeAll(async () => {
    sb = await openSandbox({ template: 'securfinancial' });
    d = await sb.dashboards();
    profiles = await everyProfile(sb);
  }, 120_000);

  it('counts customers and prospects as summary() does, partner ids included', async () => {
    const s = await sb.summary();
    expect([d.profiles, d.customers, d.prospects, d.anonymous]).toEqual([
      s.profiles,
      s.customers,
      s.prospects,
      s.anonymous
    ]);
    expect(d.prospects).toBeGreaterThan(0);
    expectMatches(d, profiles);
    // partner ids are on profiles but never in a graph
    expect(d.namespaces.find((n) => n.namespace === 'PartnerID')!.profiles).toBeGreaterThan(0);
    expect(d.refusals).toEqual({ records: 0, graphs: 0 });
    await expectAudiencesAndBatches(sb, d);
  });

  it('counts a link refused by the unique CRM id when two customers share a phone', async () => {
    expect((await sb.ingest('CRM Profiles', await fixture('crm-shared-phone.csv'))).status).toBe('success');
    const after = await sb.dashboards();
    const explained = await refusedInGraphs(sb, await everyProfile(sb));
    expect(explained.graphs).toBe(2);
    expect(after.refusals.graphs).toBe(2);
    expect(after.refusals.records).toBeGreaterThanOrEqual(1);
    expect(after.profileHistory).toHaveLength(d.profileHistory.length + 1);
    expect(after.customers).toBe(d.customers + 2);
  });
});

describe('dashboards on an empty sandbox', () => {
  it('are all zeros, and count prospects keyed only by partner ids without a graph', async () => {
    const sb = await openSandbox({ template: 'empty' });
    const empty = await sb.dashboards();
    expect(empty).toMatchObject({ profiles: 0, identities: 0, graphs: 0, namespaces: [], overlap: [] });
    expect(empty.refusals).toEqual({ records: 0, graphs: 0 });
    expect(empty.graphSizes.every((b) => b.graphs === 0)).toBe(true);
    await sb.createSchema({
      name: 'Partner',
      class: 'profile',
      fields: [
        { path: 'pid', type: 'string', identity: { namespace: 'PartnerID', primary: true } },
        { path: 'score', type: 'number', labels: ['THIRD_PARTY'] }
      ]
    });
    await sb.createDataset({ name: 'Partner', schema: 'Partner' });
    await sb.ingest('Partner', 'pid,score\nPTR-1,1\nPTR-2,2\n');
    const d = await sb.dashboards();
    expect(d).toMatchObject({ profiles: 2, prospects: 2, singleIdentityProfiles: 2, graphs: 0 });
    expect(d.namespaces).toEqual([
      { namespace: 'PartnerID', name: 'Partner ID', type: 'partner', profiles: 2, identities: 2 }
    ]);
    sb.close();
  });
});
