// The destination catalog: what each destination accepts and the marketing actions an export to it
// performs (defaults from DESIGN; a sandbox may change them, as Adobe's governance step does).
import type { Database } from '../db/sqlite';
import { all, run } from '../db/sql';
import { invalid } from '../errors';
import { findMarketingAction } from '../governance/catalog';
import type { DestinationDetails } from '../types';

type CatalogEntry = Omit<DestinationDetails, 'marketingActions'>;

const AD_ACTIONS = ['crossSiteTargeting', 'segmentMatch', 'onsiteAdvertising'];
const ENGAGEMENT_ACTIONS = ['emailTargeting', 'singleIdentityPersonalization'];

/**
 * A file destination: the same files (payloads/files.ts) whatever the place they are delivered to, so
 * only its id, name and description are its own.
 */
function fileDestination(id: string, name: string, description: string): CatalogEntry {
  return {
    id,
    name,
    category: 'Cloud storage',
    description,
    format:
      'RFC 4180 CSV named <destination>_<audience>_<yyyymmddhhmmss>.csv, split past a row limit, with a manifest',
    identities: ['profileId', 'CRMID', 'Email', 'Phone', 'ECID', 'IDFA', 'GAID', 'PartnerID'],
    hashed: [],
    profileIdTarget: 'profileId',
    defaultMarketingActions: ['exportToThirdParty'],
    takesAttributes: true
  };
}

export const DESTINATION_CATALOG: CatalogEntry[] = [
  {
    id: 'facebook',
    name: 'Facebook Custom Audiences',
    category: 'Advertising',
    description: 'Customer list audiences for ads on Facebook and Instagram.',
    format: 'Customer list CSV: EMAIL and PHONE SHA-256 hashed, MADID, EXTERN_ID = profile id',
    identities: ['Email', 'Phone', 'Email_LC_SHA256', 'Phone_SHA256', 'IDFA', 'GAID', 'profileId'],
    hashed: ['Email', 'Phone'],
    profileIdTarget: 'EXTERN_ID',
    defaultMarketingActions: AD_ACTIONS,
    takesAttributes: false
  },
  {
    id: 'google-customer-match',
    name: 'Google Customer Match',
    category: 'Advertising',
    description: 'Customer Match lists for Search, Shopping, Gmail and YouTube ads.',
    format: 'Customer Match CSV: Email (Gmail rule) and Phone (E.164) SHA-256 hashed, Mobile Device ID',
    identities: ['Email', 'Phone', 'Email_LC_SHA256', 'Phone_SHA256', 'GAID', 'IDFA'],
    hashed: ['Email', 'Phone'],
    profileIdTarget: null,
    defaultMarketingActions: [...AD_ACTIONS, 'combineWithPii'],
    takesAttributes: false
  },
  {
    id: 'linkedin',
    name: 'LinkedIn Matched Audiences',
    category: 'Advertising',
    description: 'Contact-list audiences for LinkedIn campaigns.',
    format: 'Contact list CSV: email SHA-256 hashed',
    identities: ['Email', 'Email_LC_SHA256'],
    hashed: ['Email'],
    profileIdTarget: null,
    defaultMarketingActions: AD_ACTIONS,
    takesAttributes: false
  },
  {
    id: 'braze',
    name: 'Braze',
    category: 'Engagement',
    description: 'Customer engagement: push, in-app, email and SMS journeys keyed by your user id.',
    format: 'User CSV import: external_id = profile id, attributes, audience membership',
    identities: ['profileId', 'Email', 'Phone', 'CRMID'],
    hashed: [],
    profileIdTarget: 'external_id',
    defaultMarketingActions: ENGAGEMENT_ACTIONS,
    takesAttributes: true
  },
  {
    id: 'amplitude',
    name: 'Amplitude',
    category: 'Analytics',
    description: 'Product analytics: audience membership and traits as user properties.',
    format: 'Identify API batch JSON: user_id = profile id, user_properties',
    identities: ['profileId', 'CRMID', 'ECID', 'IDFA', 'GAID'],
    hashed: [],
    profileIdTarget: 'user_id',
    defaultMarketingActions: ['analytics'],
    takesAttributes: true
  },
  {
    id: 'email-marketing',
    name: 'Email marketing (ESP)',
    category: 'Email',
    description: 'An email service provider’s list: plain email addresses to send campaigns to.',
    format: 'CSV: profileId, email (plain), attributes',
    identities: ['Email', 'profileId'],
    hashed: [],
    profileIdTarget: 'profileId',
    defaultMarketingActions: ENGAGEMENT_ACTIONS,
    takesAttributes: true
  },
  fileDestination(
    's3-csv',
    'Amazon S3 (CSV files)',
    'Files dropped into a bucket for a warehouse, a partner or a batch job.'
  ),
  fileDestination(
    'sftp-csv',
    'SFTP (CSV files)',
    'Files delivered to an SFTP server, as many legacy marketing tools take them.'
  )
];

function overrides(db: Database): Map<string, string[]> {
  return new Map(
    all<{ destination: string; marketing_actions: string }>(db, {
      sql: 'SELECT destination, marketing_actions FROM destination_settings'
    }).map((r) => [r.destination, JSON.parse(r.marketing_actions) as string[]])
  );
}

export function listDestinations(db: Database): DestinationDetails[] {
  const changed = overrides(db);
  return DESTINATION_CATALOG.map((d) => ({
    ...d,
    identities: [...d.identities],
    hashed: [...d.hashed],
    defaultMarketingActions: [...d.defaultMarketingActions],
    marketingActions: [...(changed.get(d.id) ?? d.defaultMarketingActions)]
  }));
}

export function findDestination(db: Database, id: unknown): DestinationDetails {
  const d = typeof id === 'string' ? listDestinations(db).find((x) => x.id === id) : undefined;
  if (!d) {
    throw invalid(
      `"${String(id)}" is not a destination (${DESTINATION_CATALOG.map((x) => x.id).join(', ')}).`,
      { destination: id }
    );
  }
  return d;
}

export function updateDestination(
  db: Database,
  id: string,
  patch: { marketingActions: string[] }
): DestinationDetails {
  const d = findDestination(db, id);
  if (!patch || !Array.isArray(patch.marketingActions)) {
    throw invalid('A destination change is { marketingActions: [ids] }.');
  }
  const actions = [...new Set(patch.marketingActions.map((a) => findMarketingAction(db, a).id))];
  run(db, {
    sql: `INSERT INTO destination_settings (destination, marketing_actions) VALUES (?, ?)
          ON CONFLICT (destination) DO UPDATE SET marketing_actions = excluded.marketing_actions`,
    params: [d.id, JSON.stringify(actions)]
  });
  return findDestination(db, d.id);
}
