// Merge policies and calculated attributes, as a user of the profile store sees them through openSandbox().
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openSandbox, type Sandbox } from '../../src/lib/engine/index';
import { FAMILY_LAPTOP_ECID } from '../../src/lib/engine/generate/samples';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

async function people(): Promise<Sandbox> {
  const sb = await openSandbox({ template: 'empty' });
  for (const name of ['CRM', 'Loyalty']) {
    await sb.createSchema({
      name,
      class: 'profile',
      fields: [
        { path: 'email', type: 'string', identity: { namespace: 'Email', primary: true } },
        { path: 'crm', type: 'string', identity: { namespace: 'CRMID' } },
        { path: 'city', type: 'string' },
        { path: 'lastUpdated', type: 'datetime' }
      ]
    });
    await sb.createDataset({ name, schema: name });
  }
  await sb.createSchema({
    name: 'Web',
    class: 'event',
    fields: [
      { path: 'timestamp', type: 'datetime', required: true },
      { path: 'eventType', type: 'string', required: true },
      { path: 'ecid', type: 'string', identity: { namespace: 'ECID', primary: true } },
      { path: 'crm', type: 'string', identity: { namespace: 'CRMID' } },
      { path: 'total', type: 'number' },
      { path: 'sku', type: 'string' }
    ]
  });
  await sb.createDataset({ name: 'Web', schema: 'Web' });
  return sb;
}

describe('merge policies', () => {
  /** The CRM says Boston; the loyalty program says Denver, more recently. */
  async function bostonThenDenver(): Promise<Sandbox> {
    const sb = await people();
    await sb.ingest('CRM', `email,city,lastUpdated\na@x.com,Boston,${ago(10)}\n`);
    await sb.ingest('Loyalty', `email,city,lastUpdated\na@x.com,Denver,${ago(1)}\n`);
    return sb;
  }

  it('every sandbox has one default, timestamp-ordered policy with stitching on', async () => {
    const sb = await openSandbox({ template: 'empty' });
    expect(await sb.mergePolicies()).toMatchObject([
      {
        name: 'Default timestamp-ordered',
        attributeMerge: 'timestamp',
        stitching: 'privateGraph',
        isDefault: true
      }
    ]);
    sb.close();
  });

  it('dataset precedence lets a trusted dataset win over a more recent one', async () => {
    const sb = await bostonThenDenver();
    await sb.createMergePolicy({
      name: 'CRM first',
      attributeMerge: 'datasetPrecedence',
      datasetOrder: ['CRM', 'Loyalty']
    });
    expect((await sb.profile('Email', 'a@x.com'))!.attributes.city).toBe('Denver');
    const crmFirst = (await sb.profile('Email', 'a@x.com', { mergePolicy: 'CRM first' }))!;
    expect(crmFirst.attributes.city).toBe('Boston');
    expect(crmFirst.sources.city.dataset).toBe('CRM');
    expect(crmFirst.mergePolicy).toBe('CRM first');
    sb.close();
  });

  it('a new default policy applies to lookups that name none', async () => {
    const sb = await bostonThenDenver();
    await sb.createMergePolicy({
      name: 'CRM first',
      attributeMerge: 'datasetPrecedence',
      datasetOrder: ['CRM'],
      default: true
    });
    expect((await sb.profile('Email', 'a@x.com'))!.attributes.city).toBe('Boston');
    expect((await sb.mergePolicies()).filter((p) => p.isDefault).map((p) => p.name)).toEqual(['CRM first']);
    sb.close();
  });

  it('with stitching off a profile is one fragment: anonymous events stay on the cookie', async () => {
    const sb = await people();
    await sb.ingest('CRM', `email,crm,lastUpdated\na@x.com,C1,${ago(5)}\n`);
    await sb.ingest(
      'Web',
      `timestamp,eventType,ecid,crm\n${ago(3)},web.pageView,E1,\n${ago(2)},user.login,E1,C1\n`
    );
    await sb.createMergePolicy({ name: 'No stitching', stitching: 'none' });
    const stitched = (await sb.profile('ECID', 'E1'))!;
    expect(stitched.attributes.email).toBe('a@x.com');
    expect(stitched.events).toHaveLength(2);
    const alone = (await sb.profile('ECID', 'E1', { mergePolicy: 'No stitching' }))!;
    expect(alone.attributes.email).toBeUndefined();
    expect(alone.events).toHaveLength(2);
    const crm = (await sb.profile('Email', 'a@x.com', { mergePolicy: 'No stitching' }))!;
    expect(crm.events).toHaveLength(0);
    expect(crm.identities.map((i) => i.id).sort()).toEqual(['C1', 'a@x.com']);
    sb.close();
  });

  it('rejects unknown policies, datasets and options', async () => {
    const sb = await people();
    await sb.ingest('CRM', 'email\na@x.com\n');
    await expect(sb.profile('Email', 'a@x.com', { mergePolicy: 'Nope' })).rejects.toMatchObject({
      code: 'not_found'
    });
    await expect(
      sb.createMergePolicy({ name: 'Bad', attributeMerge: 'datasetPrecedence', datasetOrder: ['Nope'] })
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      sb.createMergePolicy({ name: 'Bad', attributeMerge: 'datasetPrecedence' })
    ).rejects.toMatchObject({
      code: 'invalid_argument'
    });
    await expect(sb.createMergePolicy({ name: 'Default timestamp-ordered' })).rejects.toMatchObject({
      code: 'already_exists'
    });
    sb.close();
  });
});

describe('calculated attributes', () => {
  async function shopper(): Promise<Sandbox> {
    const sb = await people();
    const rows = [
      [ago(400), 'commerce.purchase', 'E1', 'C1', 100, ''],
      [ago(40), 'commerce.purchase', 'E1', 'C1', 20.1, ''],
      [ago(5), 'commerce.purchase', 'E1', '', 30.2, ''],
      [ago(20), 'commerce.checkoutAbandoned', 'E1', '', '', ''],
      [ago(2), 'commerce.checkoutAbandoned', 'E1', 'C1', '', ''],
      [ago(45), 'commerce.checkoutAbandoned', 'E1', '', '', ''],
      [ago(3), 'commerce.productView', 'E1', '', '', 'SKU-OLD'],
      [ago(1), 'commerce.productView', 'E1', '', '', 'SKU-NEW']
    ];
    await sb.ingest(
      'Web',
      ['timestamp,eventType,ecid,crm,total,sku', ...rows.map((r) => r.join(','))].join('\n')
    );
    return sb;
  }

  it('count, sum, min, max, avg, first, last and days since, over an event filter and lookback', async () => {
    const sb = await shopper();
    const defs = [
      { name: 'abandons30d', function: 'count', eventType: 'commerce.checkoutAbandoned', lookbackDays: 30 },
      { name: 'purchases365d', function: 'count', eventType: 'commerce.purchase', lookbackDays: 365 },
      {
        name: 'revenue365d',
        function: 'sum',
        eventType: 'commerce.purchase',
        field: 'total',
        lookbackDays: 365
      },
      { name: 'lifetimeRevenue', function: 'sum', eventType: 'commerce.purchase', field: 'total' },
      { name: 'smallestOrder', function: 'min', eventType: 'commerce.purchase', field: 'total' },
      { name: 'biggestOrder', function: 'max', eventType: 'commerce.purchase', field: 'total' },
      { name: 'averageOrder', function: 'avg', eventType: 'commerce.purchase', field: 'total' },
      { name: 'firstSku', function: 'first', eventType: 'commerce.productView', field: 'sku' },
      { name: 'lastSku', function: 'last', eventType: 'commerce.productView', field: 'sku' },
      { name: 'daysSincePurchase', function: 'daysSince', eventType: 'commerce.purchase' },
      { name: 'viewsEver', function: 'count', eventType: 'commerce.search' }
    ] as const;
    for (const d of defs) await sb.createCalculatedAttribute({ ...d });
    const p = (await sb.profile('CRMID', 'C1'))!;
    expect(p.calculated).toEqual({
      abandons30d: 2,
      purchases365d: 2,
      revenue365d: 50.3,
      lifetimeRevenue: 150.3,
      smallestOrder: 20.1,
      biggestOrder: 100,
      averageOrder: 50.1,
      firstSku: 'SKU-OLD',
      lastSku: 'SKU-NEW',
      daysSincePurchase: 5,
      viewsEver: 0
    });
    expect((await sb.calculatedAttributes()).map((c) => c.name)).toEqual(defs.map((d) => d.name));
    sb.close();
  });

  it('a profile with no qualifying event has null aggregates, and the definitions survive export', async () => {
    const sb = await shopper();
    await sb.createCalculatedAttribute({
      name: 'lastOrder',
      function: 'last',
      eventType: 'commerce.purchase',
      field: 'total'
    });
    await sb.ingest('CRM', 'email,crm\nb@x.com,C2\n');
    expect((await sb.profile('CRMID', 'C2'))!.calculated).toEqual({ lastOrder: null });
    const copy = await openSandbox({ bytes: await sb.export() });
    expect((await copy.profile('CRMID', 'C1'))!.calculated).toEqual({ lastOrder: 30.2 });
    sb.close();
    copy.close();
  });

  it('rejects bad names, functions, fields and lookbacks with a clear error', async () => {
    const sb = await shopper();
    const bad = [
      { name: 'has space', function: 'count' },
      { name: 'x', function: 'median' },
      { name: 'x', function: 'sum' },
      { name: 'x', function: 'sum', field: 'sku' },
      { name: 'x', function: 'count', field: 'nope' },
      { name: 'x', function: 'count', lookbackDays: 0 },
      { name: 'x', function: 'count', lookbackDays: 1.5 }
    ];
    for (const def of bad) {
      await expect(
        sb.createCalculatedAttribute(def as Parameters<Sandbox['createCalculatedAttribute']>[0]),
        JSON.stringify(def)
      ).rejects.toMatchObject({ code: 'invalid_argument' });
    }
    expect(await sb.calculatedAttributes()).toEqual([]);
    sb.close();
  });
});

describe('the retail template', () => {
  it('carries anonymous web activity into the known profile and keeps the family laptop apart', async () => {
    const sb = await openSandbox({ template: 'retail' });
    const laptop = (await sb.profile('ECID', FAMILY_LAPTOP_ECID))!;
    const graph = (await sb.identityGraph('ECID', FAMILY_LAPTOP_ECID))!;
    const crmIds = graph.nodes.filter((n) => n.namespace === 'CRMID' && n.inGraph);
    expect(crmIds).toHaveLength(1);
    expect(graph.edges.some((e) => e.kind === 'refused')).toBe(true);
    expect(laptop.events.some((e) => e.eventType === 'web.pageView')).toBe(true);
    sb.close();
  });

  it('ships calculated attributes for cart abandoners and loyal customers', async () => {
    const sb = await openSandbox({ template: 'retail' });
    expect((await sb.calculatedAttributes()).map((c) => c.name)).toEqual(
      expect.arrayContaining(['cartAbandons30d', 'purchases365d', 'lifetimeRevenue', 'daysSinceLastPurchase'])
    );
    const { rows } = await sb.query(
      "SELECT i.value FROM identities i WHERE i.ns = 'CRMID' ORDER BY i.value LIMIT 250"
    );
    let abandoners = 0;
    let loyal = 0;
    for (const [crm] of rows) {
      const c = (await sb.profile('CRMID', String(crm)))!.calculated;
      if ((c.cartAbandons30d as number) >= 3) abandoners++;
      if ((c.purchases365d as number) >= 3 && (c.lifetimeRevenue as number) > 500) loyal++;
    }
    // the sample's design: about 10% frequent abandoners and 15% loyal buyers of 250 customers
    expect(abandoners).toBeGreaterThanOrEqual(15);
    expect(abandoners).toBeLessThanOrEqual(35);
    expect(loyal).toBeGreaterThanOrEqual(25);
    expect(loyal).toBeLessThanOrEqual(50);
    sb.close();
  });
});

describe('identity settings', () => {
  async function loggedIn(): Promise<Sandbox> {
    const sb = await people();
    await sb.ingest('CRM', `email,crm,lastUpdated\na@x.com,C1,${ago(5)}\n`);
    await sb.ingest(
      'Web',
      [
        'timestamp,eventType,ecid,crm',
        `${ago(4)},web.pageView,E1,`,
        `${ago(3)},commerce.productView,E1,`,
        `${ago(2)},user.login,E1,C1`,
        `${ago(1)},web.pageView,E1,C1`
      ].join('\n')
    );
    return sb;
  }

  it('continue (the default) carries anonymous activity into the known profile', async () => {
    const sb = await loggedIn();
    expect((await sb.identitySettings()).strategy).toBe('continue');
    const known = (await sb.profile('CRMID', 'C1'))!;
    expect(known.events.map((e) => e.eventType).sort()).toEqual([
      'commerce.productView',
      'user.login',
      'web.pageView',
      'web.pageView'
    ]);
    expect((await sb.profile('ECID', 'E1'))!.profileId).toBe(known.profileId);
    sb.close();
  });

  it('isolate keeps anonymous activity on the cookie and the known profile from login on', async () => {
    const sb = await loggedIn();
    await sb.updateIdentitySettings({ strategy: 'isolate' });
    const known = (await sb.profile('CRMID', 'C1'))!;
    expect(known.kind).toBe('customer');
    expect(known.events.map((e) => e.eventType).sort()).toEqual(['user.login', 'web.pageView']);
    const anonymous = (await sb.profile('ECID', 'E1'))!;
    expect(anonymous.kind).toBe('anonymous');
    expect(anonymous.profileId).toMatch(/^anon-/);
    expect(anonymous.identities).toEqual([{ namespace: 'ECID', id: 'E1', inGraph: true }]);
    expect(anonymous.events.map((e) => e.eventType).sort()).toEqual(['commerce.productView', 'web.pageView']);
    expect((await sb.profile('profileId', anonymous.profileId))!.events).toHaveLength(2);
    // the identity graph is the same either way: only what a profile shows differs
    await sb.updateIdentitySettings({ strategy: 'continue' });
    expect((await sb.profile('ECID', 'E1'))!.profileId).toBe(known.profileId);
    sb.close();
  });

  it('a visitor who never logs in is one profile under isolate too', async () => {
    const sb = await people();
    await sb.updateIdentitySettings({ strategy: 'isolate' });
    await sb.ingest(
      'Web',
      `timestamp,eventType,ecid\n${ago(2)},web.pageView,E9\n${ago(1)},web.pageView,E9\n`
    );
    const p = (await sb.profile('ECID', 'E9'))!;
    expect(p.profileId).toMatch(/^pf-/);
    expect(p.events).toHaveLength(2);
    sb.close();
  });

  it('edited blocked values stop later uploads from linking on them', async () => {
    const sb = await people();
    const settings = await sb.updateIdentitySettings({
      blockedValues: [
        ...(await sb.identitySettings()).blockedValues,
        ' NoEmail@Example.com ',
        'noemail@example.com'
      ]
    });
    expect(settings.blockedValues.filter((v) => /noemail/i.test(v))).toEqual(['NoEmail@Example.com']);
    await sb.ingest('CRM', 'email,crm\nnoemail@example.com,C1\nnoemail@example.com,C2\n');
    const one = (await sb.profile('CRMID', 'C1'))!;
    expect(one.profileId).not.toBe((await sb.profile('CRMID', 'C2'))!.profileId);
    expect(await sb.profile('Email', 'noemail@example.com')).toBeNull();
    await expect(sb.updateIdentitySettings({ strategy: 'merge' as 'continue' })).rejects.toMatchObject({
      code: 'invalid_argument'
    });
    await expect(
      sb.updateIdentitySettings({ blockedValues: [1] as unknown as string[] })
    ).rejects.toMatchObject({
      code: 'invalid_argument'
    });
    sb.close();
  });
});

describe('calculated attributes are exact', () => {
  it('count, sum, min, max and days since match a direct computation over random histories', async () => {
    const event = fc.record({
      daysAgo: fc.integer({ min: 0, max: 200 }),
      minute: fc.integer({ min: 1, max: 1000 }),
      type: fc.constantFrom('commerce.purchase', 'commerce.checkoutAbandoned', 'web.pageView'),
      total: fc.option(
        fc.integer({ min: 1, max: 100000 }).map((c) => c / 100),
        { nil: undefined }
      )
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(event, { minLength: 0, maxLength: 25 }),
        fc.integer({ min: 1, max: 180 }),
        async (events, lookback) => {
          const sb = await people();
          await sb.ingest('CRM', 'email,crm\na@x.com,C1\n');
          const now = Date.now();
          const at = (e: (typeof events)[number]) =>
            new Date(now - e.daysAgo * DAY - e.minute * 60_000).toISOString();
          if (events.length) {
            const csv = events.map((e, i) => `${at(e)},${e.type},E${i},C1,${e.total ?? ''}`);
            expect(
              (await sb.ingest('Web', ['timestamp,eventType,ecid,crm,total', ...csv].join('\n'))).status
            ).toBe('success');
          }
          for (const def of [
            { name: 'n', function: 'count', eventType: 'commerce.purchase', lookbackDays: lookback },
            {
              name: 's',
              function: 'sum',
              eventType: 'commerce.purchase',
              field: 'total',
              lookbackDays: lookback
            },
            { name: 'lo', function: 'min', eventType: 'commerce.purchase', field: 'total' },
            { name: 'hi', function: 'max', eventType: 'commerce.purchase', field: 'total' },
            { name: 'since', function: 'daysSince', eventType: 'commerce.purchase' }
          ] as const) {
            await sb.createCalculatedAttribute({ ...def });
          }
          const c = (await sb.profile('CRMID', 'C1'))!.calculated;
          const since = now - lookback * DAY;
          const purchases = events.filter((e) => e.type === 'commerce.purchase');
          const recent = purchases.filter((e) => Date.parse(at(e)) > since);
          const totals = purchases.flatMap((e) => (e.total === undefined ? [] : [e.total]));
          const cents = (x: number) => Math.round(x * 100);
          expect(c.n).toBe(recent.length);
          expect(cents(c.s as number)).toBe(recent.reduce((a, e) => a + cents(e.total ?? 0), 0));
          expect(c.lo).toBe(totals.length ? Math.min(...totals) : null);
          expect(c.hi).toBe(totals.length ? Math.max(...totals) : null);
          const last = Math.max(...purchases.map((e) => Date.parse(at(e))));
          // the profile is read a moment after `now`: allow the day boundary to fall in between
          if (purchases.length)
            expect([Math.floor((now - last) / DAY), Math.floor((now - last) / DAY) + 1]).toContain(c.since);
          else expect(c.since).toBeNull();
          sb.close();
        }
      ),
      { numRuns: 25 }
    );
  });
});
