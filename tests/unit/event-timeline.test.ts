// What the profile's event timeline marks (src/lib/components/timeline.ts), on the events the engine
// assembles: the anonymous history, the login, short cookie ids and product names.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { openSandbox } from '../../src/lib/engine/index';
import { DANIEL_LOPEZ, FAMILY_LAPTOP_ECID, MARIA_LOPEZ } from '../../src/lib/engine/generate/samples';
import { eventDetails, productNames, shortId, timeline } from '../../src/lib/components/timeline';
import type { Namespace, ProfileEvent } from '../../src/lib/engine/types';

const fixture = (name: string) => readFile(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const ECID = '71110000000000000000000000000000000001';

describe('the event timeline', () => {
  it('marks the events before login as anonymous and the login as the moment the cookie became known', async () => {
    const sb = await openSandbox({ template: 'retail' });
    await sb.ingest('Customer Profiles', await fixture('retail-customer.csv'));
    await sb.ingest('Web Events', await fixture('retail-web-anonymous.csv'));
    const p = (await sb.profile('CRMID', 'CRM-E2E001'))!;
    const entries = timeline(p.events, await sb.namespaces());
    expect(entries.map((e) => [e.event.eventType, e.anonymous, !!e.login])).toEqual([
      ['web.pageView', true, false],
      ['commerce.productView', true, false],
      ['user.login', false, true],
      ['web.pageView', false, false]
    ]);
    expect(entries[2].login).toEqual({
      as: { namespace: 'CRMID', id: 'CRM-E2E001', inGraph: true },
      on: { namespace: 'ECID', id: ECID, inGraph: true }
    });
    // the product viewed anonymously is named; its identity fields are not repeated as details
    expect(entries[1].product).toEqual({ name: 'Trail shoe', sku: 'SKU-TRAIL', price: null });
    expect(eventDetails(entries[1]).map(([k]) => k)).toEqual(['web.pageName', 'web.url']);
  });

  it('in the retail sample, Maria Lopez’s history has anonymous stretches, each ended by a login', async () => {
    const sb = await openSandbox({ template: 'retail' });
    const maria = (await sb.profile('Email', MARIA_LOPEZ['person.email']))!;
    const entries = timeline(maria.events, await sb.namespaces());
    const logins = entries.filter((e) => e.login);
    expect(entries.some((e) => e.anonymous)).toBe(true);
    expect(logins.length).toBeGreaterThan(0);
    for (const l of logins) {
      expect(l.login!.as.namespace).toBe('CRMID');
      expect(l.login!.as.id).toBe(MARIA_LOPEZ['person.crmId']);
      // the event just before it on the same cookie was anonymous
      const before = entries
        .slice(0, entries.indexOf(l))
        .filter((e) => e.devices.some((d) => d.id === l.login!.on.id))
        .at(-1);
      expect(before?.anonymous).toBe(true);
    }
    // the family laptop stays with Daniel, the last to log in on it: his timeline shows his login there
    const daniel = (await sb.profile('Email', DANIEL_LOPEZ['person.email']))!;
    const onLaptop = timeline(daniel.events, await sb.namespaces()).filter(
      (e) => e.login?.on.id === FAMILY_LAPTOP_ECID
    );
    expect(onLaptop.map((e) => e.login!.as.id)).toContain(DANIEL_LOPEZ['person.crmId']);
  });

  it('an event without identities is not called anonymous on a guess', () => {
    const events: ProfileEvent[] = [{ timestamp: '2026-01-01T00:00:00Z', eventType: 'x' }];
    expect(timeline(events, [])[0]).toMatchObject({ anonymous: null, login: null });
  });

  it('names a product by its SKU from another event of the profile when the event has only the SKU', () => {
    const namespaces = [{ code: 'ECID', type: 'cookie' }] as Namespace[];
    const id = { namespace: 'ECID', id: ECID, inGraph: true };
    const events: ProfileEvent[] = [
      {
        timestamp: '2026-01-02T00:00:00Z',
        eventType: 'commerce.productListAdd',
        'commerce.product.sku': 'SKU-1',
        'commerce.product.price': 12.5,
        identities: [id]
      },
      {
        timestamp: '2026-01-01T00:00:00Z',
        eventType: 'commerce.productView',
        'commerce.product.sku': 'SKU-1',
        'commerce.product.name': 'Blue kettle',
        identities: [id]
      },
      {
        timestamp: '2026-01-03T00:00:00Z',
        eventType: 'commerce.productView',
        'commerce.product.sku': 'SKU-2',
        identities: [id]
      }
    ];
    expect(productNames(events)).toEqual(new Map([['SKU-1', 'Blue kettle']]));
    expect(timeline(events, namespaces).map((e) => e.product)).toEqual([
      { name: 'Blue kettle', sku: 'SKU-1', price: null },
      { name: 'Blue kettle', sku: 'SKU-1', price: 12.5 },
      { name: null, sku: 'SKU-2', price: null }
    ]);
  });

  it('shortens long ids to their first 6 and last 4 characters, and leaves short ones whole', () => {
    expect(shortId(ECID)).toBe('711100…0001');
    expect(shortId('FDC5309C-B4FE-4068-89BA-747EBFB0E70C')).toBe('FDC530…E70C');
    expect(shortId('CRM-200001')).toBe('CRM-200001');
  });
});
