// Data governance through openSandbox(): the label catalog, policies (drafts, nested AND/OR, updates),
// and policy evaluation at activation with its lineage, for labels that reach a destination through
// the audience rule, a calculated attribute, the mapping, the identities and a dataset's own labels.
import { describe, expect, it } from 'vitest';
import { openSandbox, type Sandbox } from '../../src/lib/engine/index';
import { addDataset, EMAIL_KEY, EVENT_TYPE, TIMESTAMP } from './fixtures';

const HIGH_EARNERS = 'High earning homeowner prospects';

async function blocked(sb: Sandbox, req: Parameters<Sandbox['activate']>[0]) {
  const result = await sb.activate(req);
  if (result.status !== 'blocked') throw new Error(`expected blocked, got ${result.status}`);
  return result.violations;
}

describe('the label catalog', () => {
  it('has contract, identity, sensitive and partner labels, and takes custom ones', async () => {
    const sb = await openSandbox();
    const ids = (await sb.labels()).map((l) => l.id);
    for (let i = 1; i <= 12; i++) expect(ids).toContain(`C${i}`);
    expect(ids).toEqual(expect.arrayContaining(['I1', 'I2', 'S1', 'S2', 'THIRD_PARTY']));
    const label = await sb.createLabel({ id: 'NO_SMS', name: 'No SMS', description: 'Never text.' });
    expect(label).toMatchObject({ id: 'NO_SMS', category: 'Custom', custom: true });
    expect((await sb.labels()).map((l) => l.id)).toContain('NO_SMS');
    await expect(sb.createLabel({ id: 'no_sms', name: 'Again' })).rejects.toMatchObject({
      code: 'already_exists'
    });
    await expect(sb.createLabel({ id: '1bad', name: 'Bad' })).rejects.toMatchObject({
      code: 'invalid_argument'
    });
    const action = await sb.createMarketingAction({ id: 'smsTargeting', name: 'SMS targeting' });
    expect(action).toMatchObject({ id: 'smsTargeting', custom: true });
    const policy = await sb.createPolicy({ name: 'No SMS', marketingAction: 'smsTargeting', deny: 'NO_SMS' });
    expect(policy.enabled).toBe(true);
    sb.close();
  });

  it('labels several fields of a schema at once, and a dataset’s labels are inherited by its fields', async () => {
    const sb = await openSandbox({ template: 'securfinancial' });
    const schema = await sb.labelFields('CRM Profile', {
      fields: ['account.balance', 'account.tier'],
      add: ['C9']
    });
    const labelsOf = (path: string) => schema.fields.find((f) => f.path === path)?.labels;
    expect(labelsOf('account.balance')).toEqual(['C9']);
    expect(labelsOf('account.tier')).toEqual(['C9']);
    expect(labelsOf('person.email')).toEqual(['I1']);
    const removed = await sb.labelFields('CRM Profile', { fields: ['account.tier'], remove: ['C9'] });
    expect(removed.fields.find((f) => f.path === 'account.tier')?.labels).toBeUndefined();

    const ds = await sb.setDatasetLabels('CRM Profiles', ['C5']);
    expect(ds.labels).toEqual(['C5']);
    const bobby = await sb.profile('Email', 'bobby.brown@example.com');
    expect(bobby?.labels['account.tier']).toEqual(['C5']);
    expect(bobby?.labels['person.email']).toEqual(['I1', 'C5']);
    // partner attributes come from the partner dataset, which does not carry C5
    expect(bobby?.labels['partner.netWorth']).toEqual(['THIRD_PARTY']);
    await expect(sb.labelFields('CRM Profile', { fields: ['no.such'], add: ['C1'] })).rejects.toMatchObject({
      code: 'invalid_argument'
    });
    sb.close();
  });

  it('a dataset labelled THIRD_PARTY makes its records partner data', async () => {
    const sb = await openSandbox();
    await sb.createSchema({
      name: 'Leads',
      class: 'profile',
      fields: [EMAIL_KEY, { path: 'score', type: 'number' }]
    });
    await sb.createDataset({ name: 'Bought leads', schema: 'Leads', labels: ['THIRD_PARTY'] });
    await sb.ingest('Bought leads', 'email,score\nlee@example.com,3\n');
    expect((await sb.profile('Email', 'lee@example.com'))?.kind).toBe('prospect');
    await sb.setDatasetLabels('Bought leads', []);
    expect((await sb.profile('Email', 'lee@example.com'))?.kind).toBe('customer');
    sb.close();
  });
});

describe('policies', () => {
  it('are enabled unless created as a draft, and only enabled ones deny', async () => {
    const sb = await openSandbox();
    const draft = await sb.createPolicy({
      name: 'Draft',
      marketingAction: 'analytics',
      deny: 'C8',
      enabled: false
    });
    expect(draft.enabled).toBe(false);
    expect(await sb.checkPolicies({ labels: ['C8'], marketingAction: 'analytics' })).toEqual({
      allowed: true,
      violations: [],
      drafts: [{ policy: 'Draft', marketingAction: 'analytics', labels: ['C8'] }]
    });
    const enabled = await sb.updatePolicy('Draft', { enabled: true });
    expect(enabled.enabled).toBe(true);
    expect(await sb.checkPolicies({ labels: ['C8'], marketingAction: 'analytics' })).toEqual({
      allowed: false,
      violations: [{ policy: 'Draft', marketingAction: 'analytics', labels: ['C8'] }],
      drafts: []
    });
    // another action is not denied
    expect((await sb.checkPolicies({ labels: ['C8'], marketingAction: 'dataScience' })).allowed).toBe(true);
    await sb.deletePolicy('Draft');
    expect(await sb.policies()).toEqual([]);
    sb.close();
  });

  it('evaluate nested AND/OR and name the labels that made the expression true', async () => {
    const sb = await openSandbox();
    await sb.createPolicy({
      name: 'Partner PII',
      marketingAction: 'crossSiteTargeting',
      deny: { and: ['THIRD_PARTY', { or: ['I1', { and: ['C2', 'S2'] }] }] }
    });
    const check = (labels: string[]) => sb.checkPolicies({ labels, marketingAction: 'crossSiteTargeting' });
    expect((await check(['THIRD_PARTY'])).allowed).toBe(true);
    expect((await check(['I1'])).allowed).toBe(true);
    expect((await check(['THIRD_PARTY', 'C2'])).allowed).toBe(true);
    expect((await check(['THIRD_PARTY', 'I1'])).violations[0].labels).toEqual(['THIRD_PARTY', 'I1']);
    expect((await check(['THIRD_PARTY', 'C2', 'S2'])).violations[0].labels).toEqual([
      'THIRD_PARTY',
      'C2',
      'S2'
    ]);
    expect((await check(['THIRD_PARTY', 'I1', 'C2', 'S2', 'C9'])).violations[0].labels).toEqual([
      'THIRD_PARTY',
      'I1',
      'C2',
      'S2'
    ]);
    sb.close();
  });

  it('refuse bad definitions with a message that says where', async () => {
    const sb = await openSandbox();
    const bad = (def: unknown) => sb.createPolicy(def as Parameters<Sandbox['createPolicy']>[0]);
    await expect(bad({ name: 'x', marketingAction: 'nope', deny: 'C1' })).rejects.toMatchObject({
      code: 'invalid_argument'
    });
    await expect(bad({ name: 'x', marketingAction: 'analytics', deny: { and: [] } })).rejects.toThrow(
      /deny: "and" holds a non-empty list/
    );
    await expect(
      bad({ name: 'x', marketingAction: 'analytics', deny: { or: ['C1', { xor: ['C2'] }] } })
    ).rejects.toThrow(/deny\.or\[1\]/);
    // a list with holes (new Array(2)) is refused, not stored to break every later check
    await expect(
      bad({ name: 'x', marketingAction: 'analytics', deny: { or: new Array(2) } })
    ).rejects.toThrow(/deny\.or\[0\]/);
    let deep: unknown = 'C1';
    for (let i = 0; i < 40; i++) deep = { and: [deep] };
    await expect(bad({ name: 'x', marketingAction: 'analytics', deny: deep })).rejects.toThrow(/deeper/);
    await sb.createPolicy({ name: 'Once', marketingAction: 'analytics', deny: 'C8' });
    await expect(bad({ name: 'once', marketingAction: 'analytics', deny: 'C8' })).rejects.toMatchObject({
      code: 'already_exists'
    });
    sb.close();
  });

  it('spell a label one way wherever it is written, whatever case it was given in', async () => {
    const sb = await openSandbox();
    await sb.createLabel({ id: 'PARTNER_B', name: 'Partner B' });
    const policy = await sb.createPolicy({
      name: 'Lower case',
      marketingAction: 'emailTargeting',
      deny: { or: ['c2', 'partner_b', 'unknown_x'] }
    });
    expect(policy.deny).toEqual({ or: ['C2', 'PARTNER_B', 'unknown_x'] });
    const check = await sb.checkPolicies({ marketingAction: 'emailTargeting', labels: ['c2'] });
    expect(check.allowed).toBe(false);
    expect(check.violations[0].labels).toEqual(['C2']);

    await sb.createSchema({
      name: 'Mixed',
      class: 'profile',
      fields: [{ ...EMAIL_KEY, labels: ['i1', 'I1', 'third_party'] }]
    });
    const ds = await sb.createDataset({ name: 'Mixed data', schema: 'Mixed', labels: ['c2', 'C2'] });
    expect(ds.labels).toEqual(['C2']);
    expect((await sb.setDatasetLabels('Mixed data', ['C5', 'c5', 'partner_b'])).labels).toEqual([
      'C5',
      'PARTNER_B'
    ]);
    const schema = (await sb.schemas()).find((x) => x.name === 'Mixed')!;
    expect(schema.fields[0].labels).toEqual(['I1', 'THIRD_PARTY']);
    sb.close();
  });

  it('refuse a change they do not have, a description that is not text and a name past 200 characters', async () => {
    const sb = await openSandbox();
    const p = await sb.createPolicy({ name: 'P', marketingAction: 'analytics', deny: 'C1' });
    const update = (patch: unknown) => sb.updatePolicy(p.id, patch as Parameters<Sandbox['updatePolicy']>[1]);
    await expect(update(['enabled'])).rejects.toThrow(/an object of its fields/);
    await expect(update({ enabeld: false })).rejects.toThrow(/no field "enabeld"/);
    await expect(update({ description: 42 })).rejects.toThrow(/description is text/);
    await expect(update({ name: 'x'.repeat(201) })).rejects.toThrow(/at most 200 characters/);
    await expect(
      sb.createPolicy({ name: 'y'.repeat(201), marketingAction: 'analytics', deny: 'C1' })
    ).rejects.toThrow(/at most 200 characters/);
    expect((await sb.policies()).find((x) => x.id === p.id)).toMatchObject({ name: 'P', enabled: true });
    sb.close();
  });

  it('ship with the securfinancial template: partner data kept out of email, onsite and data science', async () => {
    const sb = await openSandbox({ template: 'securfinancial' });
    const policies = await sb.policies();
    const enabled = policies.filter((p) => p.enabled);
    expect(enabled.map((p) => [p.marketingAction, p.deny]).sort()).toEqual([
      ['dataScience', 'THIRD_PARTY'],
      ['emailTargeting', 'THIRD_PARTY'],
      ['onsitePersonalization', 'THIRD_PARTY']
    ]);
    expect(policies.filter((p) => !p.enabled)).toHaveLength(1);
    sb.close();
  });
});

describe('destinations', () => {
  it('carry the marketing actions DESIGN gives them, editable per sandbox', async () => {
    const sb = await openSandbox();
    const actions = new Map((await sb.destinations()).map((d) => [d.id, d.marketingActions]));
    const ads = ['crossSiteTargeting', 'segmentMatch', 'onsiteAdvertising'];
    expect(actions.get('facebook')).toEqual(ads);
    expect(actions.get('linkedin')).toEqual(ads);
    expect(actions.get('google-customer-match')).toEqual([...ads, 'combineWithPii']);
    expect(actions.get('email-marketing')).toEqual(['emailTargeting', 'singleIdentityPersonalization']);
    expect(actions.get('braze')).toEqual(['emailTargeting', 'singleIdentityPersonalization']);
    expect(actions.get('amplitude')).toEqual(['analytics']);
    expect(actions.get('s3-csv')).toEqual(['exportToThirdParty']);
    expect(actions.get('sftp-csv')).toEqual(['exportToThirdParty']);
    const changed = await sb.updateDestination('facebook', {
      marketingActions: ['segmentMatch', 'emailTargeting']
    });
    expect(changed.marketingActions).toEqual(['segmentMatch', 'emailTargeting']);
    expect((await sb.destinations()).find((d) => d.id === 'facebook')?.marketingActions).toEqual([
      'segmentMatch',
      'emailTargeting'
    ]);
    await expect(sb.updateDestination('facebook', { marketingActions: ['nope'] })).rejects.toMatchObject({
      code: 'invalid_argument'
    });
    sb.close();
  });
});

describe('policy evaluation at activation', () => {
  it('lets partner data go to Facebook and blocks it from email, naming the policy and its path', async () => {
    const sb = await openSandbox({ template: 'securfinancial' });
    const fb = await sb.activate({ audience: HIGH_EARNERS, destination: 'facebook', identities: ['Email'] });
    expect(fb.status).toBe('exported');

    const violations = await blocked(sb, {
      audience: HIGH_EARNERS,
      destination: 'email-marketing',
      identities: ['Email']
    });
    expect(violations).toHaveLength(1);
    const [v] = violations;
    expect(v).toMatchObject({
      policy: 'No partner data in email targeting',
      marketingAction: 'emailTargeting',
      labels: ['THIRD_PARTY'],
      lineage: {
        audience: HIGH_EARNERS,
        destination: 'email-marketing',
        datasets: ['Partner Enrichment'],
        mergePolicy: 'Default timestamp-ordered'
      }
    });
    expect(v.lineage.fields.sort()).toEqual(['partner.mortgagePropensity', 'partner.netWorth']);
    const path = v.lineage.paths?.find((p) => p[1].name === 'partner.netWorth');
    expect(path?.map((n) => [n.kind, n.name])).toEqual([
      ['dataset', 'Partner Enrichment'],
      ['field', 'partner.netWorth'],
      ['mergePolicy', 'Default timestamp-ordered'],
      ['audience', HIGH_EARNERS],
      ['destination', 'Email marketing (ESP)']
    ]);
    // blocked exports nothing and records no run
    expect(await sb.activationRuns('email-marketing')).toEqual([]);
    // the draft (partner data with identifiers, cross-site) is not enforced until enabled
    await sb.updatePolicy('Draft: no partner data with direct identifiers in cross-site targeting', {
      enabled: true
    });
    const now = await blocked(sb, { audience: HIGH_EARNERS, destination: 'facebook', identities: ['Email'] });
    expect(now[0].labels).toEqual(['THIRD_PARTY', 'I1']);
    expect(now[0].lineage.fields).toContain('person.email');
    sb.close();
  });

  it('follows labels through mapped attributes and mapped identities', async () => {
    const sb = await openSandbox({ template: 'securfinancial' });
    await sb.createAudience({ name: 'No advisor', rule: 'not account.hasAdvisor' });
    const req = { audience: 'No advisor', destination: 'email-marketing', identities: ['Email'] };
    expect((await sb.reviewActivation(req)).status).toBe('allowed');
    const viaMapping = await blocked(sb, { ...req, attributes: ['account.tier', 'partner.incomeBand'] });
    expect(viaMapping[0].lineage.fields).toEqual(['partner.incomeBand']);
    const review = await sb.reviewActivation({ ...req, attributes: ['partner.incomeBand'] });
    expect(review.fields.filter((f) => f.via === 'mapping')).toEqual([
      {
        field: 'partner.incomeBand',
        via: 'mapping',
        dataset: 'Partner Enrichment',
        labels: ['THIRD_PARTY'],
        inherited: []
      }
    ]);

    await sb.createPolicy({
      name: 'Partner ids stay home',
      marketingAction: 'exportToThirdParty',
      deny: 'THIRD_PARTY'
    });
    const files = { audience: 'No advisor', destination: 's3-csv' };
    expect((await sb.activate({ ...files, identities: ['profileId', 'Email'] })).status).toBe('exported');
    const viaIdentity = await blocked(sb, { ...files, identities: ['profileId', 'PartnerID'] });
    expect(viaIdentity[0].lineage.fields).toEqual(['partner.partnerId']);
    expect(viaIdentity[0].lineage.paths?.[0].map((n) => n.kind)).toEqual([
      'dataset',
      'field',
      'identity',
      'mergePolicy',
      'audience',
      'destination'
    ]);
    sb.close();
  });

  it('follows a dataset’s labels into its fields and through a calculated attribute’s event fields', async () => {
    const sb = await openSandbox();
    await addDataset(sb, 'People', 'profile', [EMAIL_KEY, { path: 'tier', type: 'string' }]);
    await addDataset(sb, 'Clicks', 'event', [
      EMAIL_KEY,
      TIMESTAMP,
      EVENT_TYPE,
      { path: 'page', type: 'string' }
    ]);
    await sb.ingest('People', 'email,tier\na@example.com,gold\n');
    const now = new Date().toISOString();
    await sb.ingest('Clicks', `email,timestamp,eventType,page\na@example.com,${now},click,/home\n`);
    await sb.createCalculatedAttribute({ name: 'clicks', function: 'count', eventType: 'click' });
    await sb.createAudience({ name: 'Clickers', rule: 'calc.clicks >= 1' });
    await sb.createPolicy({ name: 'No measuring clicks', marketingAction: 'analytics', deny: 'C8' });
    const req = { audience: 'Clickers', destination: 'amplitude', identities: ['profileId'] };
    expect((await sb.reviewActivation(req)).status).toBe('allowed');

    await sb.setDatasetLabels('Clicks', ['C8']);
    const [v] = await blocked(sb, req);
    expect(v.lineage.datasets).toEqual(['Clicks']);
    expect(v.lineage.fields.sort()).toEqual(['eventType', 'timestamp']);
    expect(v.lineage.paths?.[0].map((n) => n.name)).toEqual([
      'Clicks',
      'eventType',
      'calc.clicks',
      'Default timestamp-ordered',
      'Clickers',
      'Amplitude'
    ]);
    const review = await sb.reviewActivation(req);
    expect(review.fields.find((f) => f.field === 'eventType')).toMatchObject({
      via: 'calculated',
      through: 'calc.clicks',
      labels: ['C8'],
      inherited: ['C8']
    });
    sb.close();
  });

  it('uses the destination’s marketing actions as the sandbox has set them', async () => {
    const sb = await openSandbox({ template: 'securfinancial' });
    await sb.updateDestination('facebook', { marketingActions: ['crossSiteTargeting', 'emailTargeting'] });
    const [v] = await blocked(sb, { audience: HIGH_EARNERS, destination: 'facebook', identities: ['Email'] });
    expect(v.policy).toBe('No partner data in email targeting');
    sb.close();
  });
});
