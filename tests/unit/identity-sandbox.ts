// The sandbox the identity tests share: people (profile class, with CRM id, phone and cookie),
// events (event class) and partner enrichment, on the empty template so no sample data is in the way.
import { openSandbox, type Sandbox } from '../../src/lib/engine/index';

export const EVENT_TYPES = ['web.pageView', 'user.login', 'commerce.checkoutAbandoned', 'commerce.purchase'];

export async function identitySandbox(): Promise<Sandbox> {
  const sb = await openSandbox({ template: 'empty' });
  await sb.createSchema({
    name: 'Person',
    class: 'profile',
    fields: [
      { path: 'email', type: 'string', identity: { namespace: 'Email', primary: true } },
      { path: 'crm', type: 'string', identity: { namespace: 'CRMID' } },
      { path: 'phone', type: 'string', identity: { namespace: 'Phone' } },
      { path: 'ecid', type: 'string', identity: { namespace: 'ECID' } },
      { path: 'name', type: 'string' },
      { path: 'lastUpdated', type: 'datetime' }
    ]
  });
  await sb.createDataset({ name: 'People', schema: 'Person' });
  await sb.createSchema({
    name: 'Event',
    class: 'event',
    fields: [
      { path: 'timestamp', type: 'datetime', required: true },
      { path: 'eventType', type: 'string', required: true, enum: EVENT_TYPES },
      { path: 'ecid', type: 'string', identity: { namespace: 'ECID', primary: true } },
      { path: 'crm', type: 'string', identity: { namespace: 'CRMID' } }
    ]
  });
  await sb.createDataset({ name: 'Events', schema: 'Event' });
  await sb.createSchema({
    name: 'Partner',
    class: 'profile',
    fields: [
      { path: 'email', type: 'string', identity: { namespace: 'Email', primary: true } },
      { path: 'partnerId', type: 'string', identity: { namespace: 'PartnerID' }, labels: ['THIRD_PARTY'] },
      { path: 'netWorth', type: 'number', labels: ['THIRD_PARTY'] },
      { path: 'lastUpdated', type: 'datetime' }
    ]
  });
  await sb.createDataset({ name: 'Partners', schema: 'Partner' });
  return sb;
}
