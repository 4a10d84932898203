// What a presenter reads off an audience and a timeline: members named by who they are (not bare
// profile ids), paged with an exact total; the labels an audience's rule carries, from the lineage
// activation evaluates; and which identities each event of a profile carried.
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { openSandbox, type Sandbox } from '../../src/lib/engine/index';

const SHIPPED = 'High earning homeowner prospects';
const fixture = (name: string) => readFile(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

describe('audience members with their names and identities', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await openSandbox({ template: 'securfinancial' });
  });

  it('pages through exactly the members() list, each member named and with a primary identity', async () => {
    const ids = await sb.members(SHIPPED);
    expect(ids.length).toBeGreaterThan(10);
    const first = await sb.audienceMembers(SHIPPED, { limit: 10 });
    expect(first.total).toBe(ids.length);
    expect(first.offset).toBe(0);
    expect(first.audience).toBe(SHIPPED);
    expect(first.members.map((m) => m.profileId)).toEqual(ids.slice(0, 10));
    // every page together is every member once, in the same order
    const seen: string[] = [];
    for (let offset = 0; offset < ids.length; offset += 7) {
      const page = await sb.audienceMembers(SHIPPED, { offset, limit: 7 });
      expect(page.total).toBe(ids.length);
      seen.push(...page.members.map((m) => m.profileId));
    }
    expect(seen).toEqual(ids);
    for (const m of first.members) {
      expect(m.identity).not.toBeNull();
      expect(m.name ?? m.email ?? m.identity?.id).toBeTruthy();
    }
  });

  it('names a member as its profile does: the person’s name, email, kind and identities', async () => {
    const page = await sb.audienceMembers(SHIPPED, { limit: 50 });
    const named = page.members.filter((m) => m.name !== null);
    expect(named.length).toBeGreaterThan(0);
    for (const m of page.members.slice(0, 8)) {
      const p = (await sb.profile('profileId', m.profileId))!;
      const name = [p.attributes['person.name.firstName'], p.attributes['person.name.lastName']]
        .filter((v) => typeof v === 'string' && v)
        .join(' ');
      expect(m.name).toBe(name || null);
      expect(m.kind).toBe(p.kind);
      expect(m.identities).toBe(p.identities.length);
      expect(p.identities).toContainEqual(expect.objectContaining(m.identity));
      expect(p.audiences).toContain(SHIPPED);
    }
  });

  it('Bobby Brown is listed by name among the demo audience’s members', async () => {
    const bobby = (await sb.profile('Email', 'bobby.brown@example.com'))!;
    const all = await sb.audienceMembers(SHIPPED, { limit: 200 });
    const row = all.members.find((m) => m.profileId === bobby.profileId);
    expect(row).toMatchObject({ name: 'Bobby Brown', kind: 'customer' });
  });

  it('a page past the end is empty but still says the total; a bad page is refused', async () => {
    const total = (await sb.members(SHIPPED)).length;
    expect(await sb.audienceMembers(SHIPPED, { offset: total + 5 })).toMatchObject({ total, members: [] });
    await expect(sb.audienceMembers(SHIPPED, { limit: 0 })).rejects.toMatchObject({
      code: 'invalid_argument'
    });
    await expect(sb.audienceMembers(SHIPPED, { limit: 201 })).rejects.toMatchObject({
      code: 'invalid_argument'
    });
    await expect(sb.audienceMembers(SHIPPED, { offset: -1 })).rejects.toMatchObject({
      code: 'invalid_argument'
    });
    await expect(sb.audienceMembers('No such audience')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('the demo audience carries THIRD_PARTY, the same fields activation reviews through its rule', async () => {
    const labels = await sb.audienceLabels(SHIPPED);
    expect(labels.labels[0]).toBe('THIRD_PARTY');
    expect(labels.inherited).not.toContain('THIRD_PARTY');
    expect(labels.fields.map((f) => f.field)).toEqual(
      expect.arrayContaining(['partner.netWorth', 'partner.mortgagePropensity', 'account.hasAdvisor'])
    );
    const review = await sb.reviewActivation({
      audience: SHIPPED,
      destination: 's3-csv',
      identities: ['profileId']
    });
    expect(labels.fields).toEqual(review.fields.filter((f) => f.via === 'rule' || f.via === 'calculated'));
  });
});

describe('labels an audience carries through a calculated attribute', () => {
  it('includes the labels of the event fields behind it, inherited from their dataset', async () => {
    const sb = await openSandbox({ template: 'retail' });
    await sb.setDatasetLabels('Web Events', ['C5']);
    const calc = (await sb.calculatedAttributes()).find((c) => c.eventType)!;
    const a = await sb.createAudience({ name: 'By calc', rule: `calc.${calc.name} >= 0` });
    const labels = await sb.audienceLabels(a.name);
    expect(labels.labels).toContain('C5');
    expect(labels.inherited).toContain('C5');
    const viaCalc = labels.fields.filter((f) => f.via === 'calculated');
    expect(viaCalc.map((f) => f.dataset)).toContain('Web Events');
    expect(viaCalc.every((f) => f.through === `calc.${calc.name}`)).toBe(true);
    // a rule on no labelled field carries none
    const plain = await sb.createAudience({ name: 'Gold', rule: 'loyalty.tier = "gold"' });
    expect((await sb.audienceLabels(plain.name)).labels).toEqual([]);
  });
});

describe('the identities each event carried', () => {
  it('anonymous events carry only the cookie; from the login on they carry the CRM id too', async () => {
    const sb = await openSandbox({ template: 'retail' });
    await sb.ingest('Customer Profiles', await fixture('retail-customer.csv'));
    await sb.ingest('Web Events', await fixture('retail-web-anonymous.csv'));
    const p = (await sb.profile('CRMID', 'CRM-E2E001'))!;
    const ecid = '71110000000000000000000000000000000001';
    const byTime = [...p.events].sort((a, b) => a.timestamp.localeCompare(b.timestamp));
    expect(byTime.map((e) => e.eventType)).toEqual([
      'web.pageView',
      'commerce.productView',
      'user.login',
      'web.pageView'
    ]);
    expect(byTime.map((e) => e.identities?.map((i) => `${i.namespace}:${i.id}`).sort())).toEqual([
      [`ECID:${ecid}`],
      [`ECID:${ecid}`],
      ['CRMID:CRM-E2E001', `ECID:${ecid}`],
      ['CRMID:CRM-E2E001', `ECID:${ecid}`]
    ]);
    expect(byTime[0].identities?.[0].inGraph).toBe(true);
    // the profile's own identity list is unchanged by it
    expect(p.identities.map((i) => i.namespace).sort()).toEqual(['CRMID', 'ECID', 'Email']);
  });
});
