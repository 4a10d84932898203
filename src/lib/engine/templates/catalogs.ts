// The catalog of each demo template: schemas (with identities and labels) and datasets. Sample data
// for them is made by ../generate/samples.ts.
import type { AudienceDef, CalculatedAttributeDef, FieldDef, PolicyDef, SchemaDef } from '../types';

const pii = (path: string, type: FieldDef['type'] = 'string', extra: Partial<FieldDef> = {}): FieldDef => ({
  path,
  type,
  labels: ['I1'],
  ...extra
});
const partner = (path: string, type: FieldDef['type'], extra: Partial<FieldDef> = {}): FieldDef => ({
  path,
  type,
  labels: ['THIRD_PARTY'],
  ...extra
});

export const CRM_PROFILE: SchemaDef = {
  name: 'CRM Profile',
  class: 'profile',
  description: 'Known customers from the bank CRM: contact details, address and account facts.',
  fields: [
    pii('person.email', 'string', { identity: { namespace: 'Email', primary: true } }),
    pii('person.crmId', 'string', { identity: { namespace: 'CRMID' } }),
    pii('person.phone', 'string', { identity: { namespace: 'Phone' } }),
    pii('person.name.firstName'),
    pii('person.name.lastName'),
    pii('person.birthDate', 'date'),
    pii('person.address.street'),
    { path: 'person.address.city', type: 'string', labels: ['S2'] },
    { path: 'person.address.state', type: 'string', labels: ['S2'] },
    { path: 'person.address.postalCode', type: 'string', labels: ['S2'] },
    { path: 'person.address.country', type: 'string', labels: ['S2'] },
    {
      path: 'account.type',
      type: 'string',
      enum: ['checking', 'savings', 'brokerage', 'mortgage', 'creditCard']
    },
    { path: 'account.tier', type: 'string', enum: ['standard', 'gold', 'platinum'] },
    { path: 'account.balance', type: 'number' },
    { path: 'account.hasAdvisor', type: 'boolean' },
    { path: 'account.openedDate', type: 'date' },
    { path: 'consent.email', type: 'boolean' },
    { path: 'lastUpdated', type: 'datetime' }
  ]
};

export const PARTNER_ENRICHMENT: SchemaDef = {
  name: 'Partner Data Enrichment',
  class: 'profile',
  description: 'Third-party attributes from a data partner, keyed by email, with the partner id.',
  fields: [
    pii('person.email', 'string', { identity: { namespace: 'Email', primary: true } }),
    partner('partner.partnerId', 'string', { identity: { namespace: 'PartnerID' } }),
    partner('partner.netWorth', 'number'),
    partner('partner.incomeBand', 'string', { enum: ['<50k', '50-100k', '100-200k', '200-500k', '500k+'] }),
    partner('partner.homeowner', 'boolean'),
    partner('partner.mortgagePropensity', 'number'),
    partner('partner.lifeStage', 'string', {
      enum: ['young single', 'young family', 'established family', 'empty nester', 'retired']
    }),
    partner('partner.creditBand', 'string', { enum: ['poor', 'fair', 'good', 'very good', 'excellent'] }),
    partner('partner.lastUpdated', 'datetime')
  ]
};

export const CUSTOMER_PROFILE: SchemaDef = {
  name: 'Customer Profile',
  class: 'profile',
  description: 'Loyalty members and online account holders of the retailer.',
  fields: [
    pii('person.crmId', 'string', { identity: { namespace: 'CRMID', primary: true } }),
    pii('person.email', 'string', { identity: { namespace: 'Email' } }),
    pii('person.phone', 'string', { identity: { namespace: 'Phone' } }),
    pii('person.name.firstName'),
    pii('person.name.lastName'),
    { path: 'person.address.city', type: 'string', labels: ['S2'] },
    { path: 'person.address.state', type: 'string', labels: ['S2'] },
    { path: 'person.address.country', type: 'string', labels: ['S2'] },
    { path: 'loyalty.tier', type: 'string', enum: ['bronze', 'silver', 'gold', 'platinum'] },
    { path: 'loyalty.points', type: 'integer' },
    { path: 'loyalty.joinDate', type: 'date' },
    { path: 'lastUpdated', type: 'datetime' }
  ]
};

export const RETAIL_EVENT_TYPES = [
  'web.pageView',
  'commerce.productView',
  'commerce.productListAdd',
  'commerce.checkout',
  'commerce.checkoutAbandoned',
  'commerce.purchase',
  'app.launch',
  'user.login'
];

const commerceFields: FieldDef[] = [
  { path: 'commerce.product.sku', type: 'string' },
  { path: 'commerce.product.name', type: 'string' },
  { path: 'commerce.product.category', type: 'string' },
  { path: 'commerce.product.price', type: 'number' },
  { path: 'commerce.order.id', type: 'string' },
  { path: 'commerce.order.total', type: 'number' }
];

export const WEB_EVENTS: SchemaDef = {
  name: 'Web Events',
  class: 'event',
  description: 'Website behaviour: anonymous by ECID cookie, with the CRM id once the visitor logs in.',
  fields: [
    { path: 'timestamp', type: 'datetime', required: true },
    { path: 'eventType', type: 'string', required: true, enum: RETAIL_EVENT_TYPES },
    { path: 'device.ecid', type: 'string', labels: ['I2'], identity: { namespace: 'ECID', primary: true } },
    pii('person.crmId', 'string', { identity: { namespace: 'CRMID' } }),
    { path: 'web.pageName', type: 'string' },
    { path: 'web.url', type: 'string' },
    ...commerceFields
  ]
};

export const APP_EVENTS: SchemaDef = {
  name: 'App Events',
  class: 'event',
  description: 'Mobile app behaviour: by advertising id, with the CRM id once the user logs in.',
  fields: [
    { path: 'timestamp', type: 'datetime', required: true },
    { path: 'eventType', type: 'string', required: true, enum: RETAIL_EVENT_TYPES },
    { path: 'device.ecid', type: 'string', labels: ['I2'], identity: { namespace: 'ECID', primary: true } },
    { path: 'device.idfa', type: 'string', labels: ['I2'], identity: { namespace: 'IDFA' } },
    { path: 'device.gaid', type: 'string', labels: ['I2'], identity: { namespace: 'GAID' } },
    pii('person.crmId', 'string', { identity: { namespace: 'CRMID' } }),
    { path: 'app.screenName', type: 'string' },
    ...commerceFields
  ]
};

export interface TemplateCatalog {
  schemas: SchemaDef[];
  datasets: { name: string; schema: string }[];
  calculated?: CalculatedAttributeDef[];
  /** Created after the sample is loaded, so they open with members */
  audiences?: AudienceDef[];
  policies?: PolicyDef[];
}

/** The retail story's audiences (frequent cart abandoners, loyal customers) are built on these. */
const RETAIL_CALCULATED: CalculatedAttributeDef[] = [
  {
    name: 'cartAbandons30d',
    title: 'Checkouts abandoned, last 30 days',
    function: 'count',
    eventType: 'commerce.checkoutAbandoned',
    lookbackDays: 30
  },
  {
    name: 'purchases365d',
    title: 'Purchases, last 365 days',
    function: 'count',
    eventType: 'commerce.purchase',
    lookbackDays: 365
  },
  {
    name: 'revenue365d',
    title: 'Revenue, last 365 days',
    function: 'sum',
    eventType: 'commerce.purchase',
    field: 'commerce.order.total',
    lookbackDays: 365
  },
  {
    name: 'lifetimeRevenue',
    title: 'Lifetime revenue',
    function: 'sum',
    eventType: 'commerce.purchase',
    field: 'commerce.order.total'
  },
  {
    name: 'daysSinceLastPurchase',
    title: 'Days since last purchase',
    function: 'daysSince',
    eventType: 'commerce.purchase'
  },
  {
    name: 'lastProductViewed',
    title: 'Last product viewed, last 30 days',
    function: 'last',
    eventType: 'commerce.productView',
    field: 'commerce.product.name',
    lookbackDays: 30
  }
];

/**
 * The partner contract: its data may reach ad platforms (the partner's own business), but never the
 * bank's email, its website or its models. The draft shows a nested expression before it is enforced.
 */
const SECURFINANCIAL_POLICIES: PolicyDef[] = [
  {
    name: 'No partner data in email targeting',
    description: 'The data partner’s contract forbids using its attributes to choose who gets our emails.',
    marketingAction: 'emailTargeting',
    deny: 'THIRD_PARTY'
  },
  {
    name: 'No partner data in onsite personalization',
    description: 'Partner attributes may not change what a visitor sees on our website or app.',
    marketingAction: 'onsitePersonalization',
    deny: 'THIRD_PARTY'
  },
  {
    name: 'No partner data in data science',
    description: 'Partner attributes may not train or feed our models.',
    marketingAction: 'dataScience',
    deny: 'THIRD_PARTY'
  },
  {
    name: 'Draft: no partner data with direct identifiers in cross-site targeting',
    description:
      'Under review with legal: would keep partner attributes from leaving together with emails or phones. A draft, not enforced until enabled.',
    marketingAction: 'crossSiteTargeting',
    deny: { and: ['THIRD_PARTY', { or: ['I1', 'C2'] }] },
    enabled: false
  }
];

export const TEMPLATE_CATALOGS: Record<'securfinancial' | 'retail', TemplateCatalog> = {
  securfinancial: {
    schemas: [CRM_PROFILE, PARTNER_ENRICHMENT],
    datasets: [
      { name: 'CRM Profiles', schema: 'CRM Profile' },
      { name: 'Partner Enrichment', schema: 'Partner Data Enrichment' }
    ],
    audiences: [
      {
        name: 'High earning homeowner prospects',
        rule: 'partner.netWorth > 1000000 and partner.mortgagePropensity >= 0.7\nand not account.hasAdvisor',
        description:
          'Wealthy homeowners likely to refinance who have no advisor yet: partner net worth and mortgage propensity with the bank’s own advisor flag.'
      }
    ],
    policies: SECURFINANCIAL_POLICIES
  },
  retail: {
    schemas: [CUSTOMER_PROFILE, WEB_EVENTS, APP_EVENTS],
    datasets: [
      { name: 'Customer Profiles', schema: 'Customer Profile' },
      { name: 'Web Events', schema: 'Web Events' },
      { name: 'App Events', schema: 'App Events' }
    ],
    calculated: RETAIL_CALCULATED,
    audiences: [
      {
        name: 'Frequent cart abandoners',
        rule: 'calc.cartAbandons30d >= 3',
        description: 'Three or more abandoned checkouts in the last 30 days, web and app, known or not yet.'
      },
      {
        name: 'Loyal customers',
        rule: 'calc.purchases365d >= 4 and calc.lifetimeRevenue > 500',
        description: 'Four or more purchases in the last year and more than $500 spent in all.'
      }
    ]
  }
};
