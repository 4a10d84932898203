// The partner-enrichment story on the securfinancial template, through openSandbox() as the worker
// exposes it: the template's catalog and sample, real CSV fixtures, lookups by every identity, export.
import { readFile } from 'node:fs/promises';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { openSandbox, type Sandbox } from '../../src/lib/engine/index';

const fixture = (name: string) => readFile(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

describe('the securfinancial template', () => {
  it('has the standard namespaces, PartnerID of type partner, and CRM ID unique', async () => {
    const sb = await openSandbox({ template: 'securfinancial' });
    const ns = new Map((await sb.namespaces()).map((n) => [n.code, n]));
    for (const code of [
      'Email',
      'Phone',
      'CRMID',
      'ECID',
      'IDFA',
      'GAID',
      'Email_LC_SHA256',
      'Phone_SHA256',
      'PartnerID'
    ]) {
      expect(ns.has(code), code).toBe(true);
    }
    expect(ns.get('PartnerID')).toMatchObject({ type: 'partner', linksRecords: false });
    expect(ns.get('CRMID')).toMatchObject({ type: 'person', unique: true, linksRecords: true });
    sb.close();
  });

  it('has the CRM and partner schemas, every partner field labelled THIRD_PARTY, and a dataset each', async () => {
    const sb = await openSandbox({ template: 'securfinancial' });
    const schemas = new Map((await sb.schemas()).map((s) => [s.name, s]));
    const crm = schemas.get('CRM Profile')!;
    const partner = schemas.get('Partner Data Enrichment')!;
    const field = (s: typeof crm, path: string) => s.fields.find((f) => f.path === path);
    expect(field(crm, 'person.email')?.identity).toEqual({ namespace: 'Email', primary: true });
    expect(field(crm, 'person.crmId')?.identity?.namespace).toBe('CRMID');
    expect(field(crm, 'account.hasAdvisor')?.type).toBe('boolean');
    expect(field(partner, 'person.email')?.identity).toEqual({ namespace: 'Email', primary: true });
    expect(field(partner, 'partner.partnerId')?.identity?.namespace).toBe('PartnerID');
    const partnerFields = partner.fields.filter((f) => f.path.startsWith('partner.'));
    expect(partnerFields.map((f) => f.path)).toEqual(
      expect.arrayContaining([
        'partner.netWorth',
        'partner.incomeBand',
        'partner.homeowner',
        'partner.mortgagePropensity',
        'partner.lifeStage'
      ])
    );
    for (const f of partnerFields) expect(f.labels, f.path).toContain('THIRD_PARTY');
    const datasets = await sb.datasets();
    expect(datasets.map((d) => [d.name, d.schema, d.profileEnabled])).toEqual([
      ['CRM Profiles', 'CRM Profile', true],
      ['Partner Enrichment', 'Partner Data Enrichment', true]
    ]);
    sb.close();
  });

  it('holds its sample: Bobby Brown with partner attributes, the Partner ID outside the graph', async () => {
    const sb = await openSandbox({ template: 'securfinancial' });
    const summary = await sb.summary();
    expect(summary.customers).toBe(300);
    expect(summary.prospects).toBe(40);
    const batches = await sb.batches();
    expect(batches.map((b) => [b.dataset, b.status])).toEqual([
      ['CRM Profiles', 'success'],
      ['Partner Enrichment', 'success']
    ]);
    const bobby = (await sb.profile('Email', 'bobby.brown@example.com'))!;
    expect(bobby.attributes['person.name.lastName']).toBe('Brown');
    expect(bobby.attributes['partner.netWorth']).toBe(2450000);
    expect(bobby.labels['partner.netWorth']).toContain('THIRD_PARTY');
    expect(bobby.identities).toEqual(
      expect.arrayContaining([
        { namespace: 'Email', id: 'bobby.brown@example.com', inGraph: true },
        { namespace: 'CRMID', id: 'CRM-100042', inGraph: true },
        { namespace: 'Phone', id: '+14155550142', inGraph: true },
        { namespace: 'PartnerID', id: 'PTR-7781BB01', inGraph: false }
      ])
    );
    for (const [ns, id] of [
      ['CRMID', 'CRM-100042'],
      ['Phone', '+14155550142'],
      ['PartnerID', 'PTR-7781BB01'],
      ['profileId', bobby.profileId]
    ]) {
      expect((await sb.profile(ns, id))?.profileId, ns).toBe(bobby.profileId);
    }
    sb.close();
  });
});

describe('the demo audience', () => {
  it('"High earning homeowner prospects" holds exactly the profiles its rule describes, Bobby Brown among them', async () => {
    const sb = await openSandbox({ template: 'securfinancial' });
    const [audience] = await sb.audiences();
    expect(audience).toMatchObject({ name: 'High earning homeowner prospects' });
    const ids = await sb.query("SELECT ns, value FROM identities WHERE ns IN ('Email', 'PartnerID')");
    const expected = new Set<string>();
    for (const [ns, value] of ids.rows as [string, string][]) {
      const a = (await sb.profile(ns, value))!;
      const at = a.attributes;
      if (
        (at['partner.netWorth'] as number) > 1_000_000 &&
        (at['partner.mortgagePropensity'] as number) >= 0.7 &&
        at['account.hasAdvisor'] !== true
      ) {
        expected.add(a.profileId);
      }
    }
    const members = await sb.members(audience.name);
    expect(members.sort()).toEqual([...expected].sort());
    // partner and first-party attributes both decide: the rule reads each kind
    expect((await sb.evaluate(audience.rule)).fields).toEqual(
      expect.arrayContaining(['partner.netWorth', 'partner.mortgagePropensity', 'account.hasAdvisor'])
    );
    const bobby = (await sb.profile('Email', 'bobby.brown@example.com'))!;
    expect(members).toContain(bobby.profileId);
    expect(bobby.audiences).toEqual(['High earning homeowner prospects']);
    sb.close();
  });
});

describe('the profile browser', () => {
  it('keeps customers and prospects apart, newest first, a page at a time', async () => {
    const sb = await openSandbox({ template: 'securfinancial' });
    const customers = await sb.browseProfiles({ kind: 'customer', limit: 50 });
    expect(customers.total).toBe(300);
    expect(customers.profiles).toHaveLength(50);
    expect(customers.profiles.every((p) => p.kind === 'customer' && p.email && p.name)).toBe(true);
    const times = customers.profiles.map((p) => p.updatedAt);
    expect([...times].sort().reverse()).toEqual(times);
    const prospects = await sb.browseProfiles({ kind: 'prospect' });
    expect(prospects.total).toBe(40);
    expect(
      prospects.profiles.every((p) => p.kind === 'prospect' && p.identity?.namespace === 'PartnerID')
    ).toBe(true);
    // pages do not overlap and together hold every customer once
    const seen = new Set<string>();
    for (let offset = 0; offset < 300; offset += 120) {
      for (const p of (await sb.browseProfiles({ kind: 'customer', offset, limit: 120 })).profiles)
        seen.add(p.profileId);
    }
    expect(seen.size).toBe(300);
    await expect(sb.browseProfiles({ kind: 'everyone' as 'customer' })).rejects.toMatchObject({
      code: 'invalid_argument'
    });
    await expect(sb.browseProfiles({ kind: 'customer', limit: 0 })).rejects.toMatchObject({
      code: 'invalid_argument'
    });
    sb.close();
  });
});

describe('uploading CRM and partner files', () => {
  async function withFixtures(): Promise<Sandbox> {
    const sb = await openSandbox({ template: 'securfinancial' });
    expect((await sb.ingest('CRM Profiles', await fixture('crm-customers.csv'))).status).toBe('success');
    expect((await sb.ingest('Partner Enrichment', await fixture('partner-enrichment.csv'))).status).toBe(
      'success'
    );
    return sb;
  }

  it('joins a customer CRM record and partner record by email into one profile', async () => {
    const sb = await withFixtures();
    const ada = (await sb.profile('Email', 'ada.quincey@fixture.example'))!;
    expect(ada.attributes).toMatchObject({
      'person.crmId': 'CRM-900001',
      'account.hasAdvisor': true,
      'partner.partnerId': 'PTR-FX1000',
      'partner.netWorth': 150000,
      'partner.homeowner': true
    });
    expect(ada.kind).toBe('customer');
    expect(ada.sources['partner.netWorth'].dataset).toBe('Partner Enrichment');
    expect(ada.sources['person.crmId'].dataset).toBe('CRM Profiles');
    sb.close();
  });

  it('finds the same profile by email, CRM id, phone (any format) and partner id', async () => {
    const sb = await withFixtures();
    const id = (await sb.profile('Email', 'ada.quincey@fixture.example'))!.profileId;
    for (const [ns, value] of [
      ['Email', 'Ada.Quincey@Fixture.example'],
      ['CRMID', 'CRM-900001'],
      ['Phone', '+1 415 555 0101'],
      ['Phone', '+14155550101'],
      ['PartnerID', 'PTR-FX1000']
    ]) {
      expect((await sb.profile(ns, value))?.profileId, `${ns} ${value}`).toBe(id);
    }
    expect(await sb.profile('Email', 'nobody@fixture.example')).toBeNull();
    sb.close();
  });

  it('keeps partner-only rows as prospects, one per partner id, that never join a customer', async () => {
    const sb = await withFixtures();
    const prospect = (await sb.profile('PartnerID', 'PTR-PX2000'))!;
    expect(prospect.kind).toBe('prospect');
    expect(prospect.identities).toEqual([{ namespace: 'PartnerID', id: 'PTR-PX2000', inGraph: false }]);
    const other = (await sb.profile('PartnerID', 'PTR-PX2001'))!;
    expect(other.profileId).not.toBe(prospect.profileId);
    // re-ingesting the partner file is idempotent: the prospects are keyed by their partner id
    const before = (await sb.summary()).prospects;
    await sb.ingest('Partner Enrichment', await fixture('partner-enrichment.csv'));
    expect((await sb.summary()).prospects).toBe(before);
    sb.close();
  });

  it('two customers sharing only a partner id stay two profiles', async () => {
    const sb = await openSandbox({ template: 'securfinancial' });
    await sb.ingest(
      'Partner Enrichment',
      'person.email,partner.partnerId,partner.netWorth\na@hh.example,PTR-HH000001,100\nb@hh.example,PTR-HH000001,200\n'
    );
    const a = (await sb.profile('Email', 'a@hh.example'))!;
    const b = (await sb.profile('Email', 'b@hh.example'))!;
    expect(a.profileId).not.toBe(b.profileId);
    const graph = (await sb.identityGraph('Email', 'a@hh.example'))!;
    expect(graph.nodes.filter((n) => n.inGraph).map((n) => n.id)).toEqual(['a@hh.example']);
    sb.close();
  });

  it('an export reopened holds the same profiles and accepts more uploads', async () => {
    const sb = await withFixtures();
    const before = await sb.profile('CRMID', 'CRM-900002');
    const copy = await openSandbox({ bytes: await sb.export() });
    expect(await copy.profile('CRMID', 'CRM-900002')).toEqual(before);
    expect(await copy.batches()).toEqual(await sb.batches());
    const report = await copy.ingest(
      'CRM Profiles',
      'person.email,person.crmId\nnew@fixture.example,CRM-1\n'
    );
    expect(report.status).toBe('success');
    expect(await sb.profile('CRMID', 'CRM-1')).toBeNull();
    sb.close();
    copy.close();
  });
});

describe('generate()', () => {
  it('writes a CSV for a dataset that ingests back cleanly into the same dataset', async () => {
    const sb = await openSandbox({ template: 'securfinancial' });
    const csv = await sb.generate('CRM Profiles', { count: 200, seed: 7 });
    const header = Papa.parse<string[]>(csv.split('\r\n')[0]).data[0];
    expect(header).toEqual(
      (await sb.schemas()).find((s) => s.name === 'CRM Profile')!.fields.map((f) => f.path)
    );
    expect(await sb.generate('CRM Profiles', { count: 200, seed: 7 })).toBe(csv);
    expect(await sb.generate('CRM Profiles', { count: 200, seed: 8 })).not.toBe(csv);
    const report = await sb.ingest('CRM Profiles', csv);
    expect(report).toMatchObject({ status: 'success', rowsRead: 200, rowsIngested: 200 });
    sb.close();
  });

  it('writes JSON that ingests back, and rejects an unknown dataset or format', async () => {
    const sb = await openSandbox({ template: 'securfinancial' });
    const json = await sb.generate('Partner Enrichment', { count: 50, seed: 3, format: 'json' });
    expect(JSON.parse(json)).toHaveLength(50);
    expect((await sb.ingest('Partner Enrichment', json)).status).toBe('success');
    await expect(sb.generate('Nope', { count: 1 })).rejects.toMatchObject({ code: 'not_found' });
    await expect(sb.generate('CRM Profiles', { count: 1, format: 'xml' as 'csv' })).rejects.toMatchObject({
      code: 'invalid_argument'
    });
    sb.close();
  });
});
