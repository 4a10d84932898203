// SecurFinancial demo data: a bank's CRM customers and a data partner's enrichment file. The partner
// file covers about 60% of the customers (matched by email) plus prospects the bank does not know
// (partner id, no email). The story the demo tells is the audience
//   partner.netWorth > 1000000 and partner.mortgagePropensity >= 0.7 and not account.hasAdvisor
// (wealthy homeowners likely to refinance, with no advisor yet), which holds for 11% of customers.
import { CRM_PROFILE, PARTNER_ENRICHMENT } from '../templates/catalogs';
import { jitter, lifeStageFor, netWorthFor, orderedPick, propensity } from './amounts';
import { claim, partnerId, type Taken } from './identities';
import { recordsFrom } from './records';
import { DAY, hashSeed, isoDateTime, mixSeed, Random, YEAR } from './random';
import {
  daysAgo,
  inSchemaOrder,
  sampleSettings,
  type Row,
  type Sample,
  type SampleOptions
} from './sample-rows';
import { loadVocabulary } from './vocabulary';

const SECURFINANCIAL_CUSTOMERS = 300;
/** Customers with a partner row. */
const PARTNER_SHARE = 0.6;
const SECURFINANCIAL_PROSPECTS = 40;
/** Customers in the demo audience, Bobby Brown included. */
const AUDIENCE_SHARE = 0.11;
/** Wealthy refinance candidates who already have an advisor: the rule's last clause leaves them out. */
const HAS_ADVISOR_NEAR_MISSES = 10;

/** The customer every demo script follows, from the CRM to the Facebook upload. */
export const BOBBY_BROWN = {
  crm: {
    'person.email': 'bobby.brown@example.com',
    'person.crmId': 'CRM-100042',
    'person.phone': '+14155550142',
    'person.name.firstName': 'Bobby',
    'person.name.lastName': 'Brown',
    'person.birthDate': '1974-06-14',
    'person.address.street': '1450 Valencia Street',
    'person.address.city': 'San Francisco',
    'person.address.state': 'CA',
    'person.address.postalCode': '94110',
    'person.address.country': 'US',
    'account.type': 'brokerage',
    'account.tier': 'gold',
    'account.balance': 312480.55,
    'account.hasAdvisor': false,
    'account.openedDate': '2011-09-19',
    'consent.email': true
  },
  partner: {
    'person.email': 'bobby.brown@example.com',
    'partner.partnerId': 'PTR-7781BB01',
    'partner.netWorth': 2450000,
    'partner.incomeBand': '200-500k',
    'partner.homeowner': true,
    'partner.mortgagePropensity': 0.82,
    'partner.lifeStage': 'established family',
    'partner.creditBand': 'excellent'
  }
} as const;

/**
 * A household: the partner keys its data by household, so Grace and Jason Kim (two customers, two
 * emails, one address) arrive with the same partner id and the same household attributes. Partner ids
 * never link records, so they stay two profiles; looking up the partner id finds Jason, whose partner
 * row is the more recent.
 */
export const KIM_HOUSEHOLD = {
  partnerId: 'PTR-HH4K1M07',
  grace: {
    'person.email': 'grace.kim@example.com',
    'person.crmId': 'CRM-100107',
    'person.phone': '+12065550173',
    'person.name.firstName': 'Grace',
    'person.name.lastName': 'Kim',
    'person.birthDate': '1986-02-11',
    'person.address.street': '5318 22nd Avenue NW',
    'person.address.city': 'Seattle',
    'person.address.state': 'WA',
    'person.address.postalCode': '98107',
    'person.address.country': 'US',
    'account.type': 'checking',
    'account.tier': 'standard',
    'account.balance': 18240.12,
    'account.hasAdvisor': false,
    'account.openedDate': '2015-04-03',
    'consent.email': true
  },
  jason: {
    'person.email': 'jason.kim@example.com',
    'person.crmId': 'CRM-100108',
    'person.phone': '+12065550188',
    'person.name.firstName': 'Jason',
    'person.name.lastName': 'Kim',
    'person.birthDate': '1984-10-30',
    'person.address.street': '5318 22nd Avenue NW',
    'person.address.city': 'Seattle',
    'person.address.state': 'WA',
    'person.address.postalCode': '98107',
    'person.address.country': 'US',
    'account.type': 'mortgage',
    'account.tier': 'gold',
    'account.balance': 4210.77,
    'account.hasAdvisor': false,
    'account.openedDate': '2019-08-21',
    'consent.email': false
  },
  attributes: {
    'partner.netWorth': 640000,
    'partner.incomeBand': '100-200k',
    'partner.homeowner': true,
    'partner.mortgagePropensity': 0.41,
    'partner.lifeStage': 'young family',
    'partner.creditBand': 'very good'
  }
} as const;

const enumOf = (path: string) => PARTNER_ENRICHMENT.fields.find((f) => f.path === path)!.enum!;
const INCOME_BANDS = enumOf('partner.incomeBand');
const CREDIT_BANDS = enumOf('partner.creditBand');
const LIFE_STAGES = enumOf('partner.lifeStage');

const inAudience = (partner: Row, crm: Row | undefined) =>
  (partner['partner.netWorth'] as number) > 1_000_000 &&
  (partner['partner.mortgagePropensity'] as number) >= 0.7 &&
  crm?.['account.hasAdvisor'] !== true;

export async function securFinancialSample(opts?: SampleOptions): Promise<Sample> {
  const { seed, now } = sampleSettings(opts);
  const vocab = await loadVocabulary();
  const rng = new Random(mixSeed(seed, hashSeed('securfinancial')));
  const recent = () => isoDateTime(now - rng.between(DAY / 24, 59 * DAY));

  const fixed: Row[] = [
    { ...BOBBY_BROWN.crm, lastUpdated: isoDateTime(daysAgo(now, 3, '14:05')) },
    { ...KIM_HOUSEHOLD.grace, lastUpdated: isoDateTime(daysAgo(now, 26, '10:40')) },
    { ...KIM_HOUSEHOLD.jason, lastUpdated: isoDateTime(daysAgo(now, 17, '18:12')) }
  ];
  const reserved = new Set<unknown>(
    fixed.flatMap((r) => [r['person.email'], r['person.crmId'], r['person.phone']])
  );
  const generated = recordsFrom(vocab, CRM_PROFILE, SECURFINANCIAL_CUSTOMERS + 40, seed, now)
    .filter(
      (r) =>
        !reserved.has(r['person.email']) &&
        !reserved.has(r['person.crmId']) &&
        !reserved.has(r['person.phone']) &&
        !(r['person.name.firstName'] === 'Bobby' && r['person.name.lastName'] === 'Brown')
    )
    .slice(0, SECURFINANCIAL_CUSTOMERS - fixed.length);
  // The merge policy orders records by lastUpdated, so every demo row has one
  for (const r of generated) r.lastUpdated ??= recent();
  const crm = [...fixed, ...generated];

  const taken: Taken = new Map([
    ['PartnerID', new Set([BOBBY_BROWN.partner['partner.partnerId'], KIM_HOUSEHOLD.partnerId])]
  ]);
  const newPartnerId = () => claim(taken, 'PartnerID', () => partnerId(rng));
  // A customer's affluence as the partner sees it: their balance's rank among all customers, blurred
  const balances = crm.map((r) => (r['account.balance'] as number | undefined) ?? 0).sort((a, b) => a - b);
  const affluence = (r: Row) => {
    const rank = balances.indexOf((r['account.balance'] as number | undefined) ?? 0) / balances.length;
    return jitter(rng, rank, 0.4);
  };
  const age = (r: Row) =>
    r['person.birthDate'] ? (now - Date.parse(r['person.birthDate'] as string)) / YEAR : rng.between(25, 75);
  const attributes = (q: number, years: number): Row => ({
    'partner.netWorth': netWorthFor(q),
    'partner.incomeBand': orderedPick(INCOME_BANDS, jitter(rng, q, 0.35)),
    'partner.homeowner': years >= 24 && rng.chance(0.3 + 0.55 * q),
    'partner.mortgagePropensity': propensity(rng),
    'partner.lifeStage': lifeStageFor(rng, years, LIFE_STAGES),
    'partner.creditBand': orderedPick(CREDIT_BANDS, jitter(rng, 0.3 + 0.6 * q, 0.4)),
    'partner.lastUpdated': recent()
  });

  const enriched = [...rng.sample(generated, Math.round(crm.length * PARTNER_SHARE) - fixed.length)];
  const partnerOf = new Map<Row, Row>();
  partnerOf.set(fixed[0], {
    ...BOBBY_BROWN.partner,
    'partner.lastUpdated': isoDateTime(daysAgo(now, 12, '09:30'))
  });
  partnerOf.set(fixed[1], {
    'person.email': KIM_HOUSEHOLD.grace['person.email'],
    'partner.partnerId': KIM_HOUSEHOLD.partnerId,
    ...KIM_HOUSEHOLD.attributes,
    'partner.lastUpdated': isoDateTime(daysAgo(now, 20, '08:00'))
  });
  partnerOf.set(fixed[2], {
    'person.email': KIM_HOUSEHOLD.jason['person.email'],
    'partner.partnerId': KIM_HOUSEHOLD.partnerId,
    ...KIM_HOUSEHOLD.attributes,
    'partner.lastUpdated': isoDateTime(daysAgo(now, 9, '08:00'))
  });
  const affluenceOf = new Map<Row, number>();
  for (const r of enriched) {
    const q = affluence(r);
    affluenceOf.set(r, q);
    partnerOf.set(r, {
      'person.email': r['person.email'],
      'partner.partnerId': newPartnerId(),
      ...attributes(q, age(r))
    });
  }

  // The audience is drawn from the better-off half, as the partner's net worth would suggest
  const byAffluence = [...enriched].sort((a, b) => affluenceOf.get(b)! - affluenceOf.get(a)!);
  const audienceSize = Math.round(crm.length * AUDIENCE_SHARE) - 1;
  const candidates = rng.shuffle(byAffluence.slice(0, Math.floor(enriched.length / 2)));
  const audience = new Set(candidates.slice(0, audienceSize));
  const nearMisses = candidates.slice(audienceSize, audienceSize + HAS_ADVISOR_NEAR_MISSES);
  for (const r of [...audience, ...nearMisses]) {
    const p = partnerOf.get(r)!;
    p['partner.netWorth'] = Math.max(p['partner.netWorth'] as number, netWorthFor(rng.between(0.82, 0.99)));
    p['partner.mortgagePropensity'] = Math.round(rng.between(70, 97)) / 100;
    p['partner.homeowner'] = true;
    r['account.hasAdvisor'] = !audience.has(r);
  }
  // Everyone else misses the rule by their refinance propensity, however the engine reads a missing
  // hasAdvisor: the audience count is exactly the designed share
  for (const r of enriched) {
    if (audience.has(r)) continue;
    const p = partnerOf.get(r)!;
    if (inAudience(p, r)) p['partner.mortgagePropensity'] = Math.round(rng.between(35, 69)) / 100;
  }

  const prospects: Row[] = [];
  for (let i = 0; i < SECURFINANCIAL_PROSPECTS; i++) {
    const p: Row = { 'partner.partnerId': newPartnerId(), ...attributes(rng.float(), rng.between(22, 80)) };
    // Prospects have no account.hasAdvisor: keep them out of the audience whatever `not` makes of that
    if (inAudience(p, undefined)) p['partner.mortgagePropensity'] = Math.round(rng.between(35, 69)) / 100;
    prospects.push(p);
  }

  const partnerRows = rng.shuffle([
    ...crm.filter((r) => partnerOf.has(r)).map((r) => partnerOf.get(r)!),
    ...prospects
  ]);
  return {
    'CRM Profiles': rng.shuffle(crm).map((r) => inSchemaOrder(CRM_PROFILE, r)),
    'Partner Enrichment': partnerRows.map((r) => inSchemaOrder(PARTNER_ENRICHMENT, r))
  };
}
