import type { Destination } from '../types';

// Each destination's accepted identities and the marketing actions an export to it performs.
export const DESTINATIONS: Destination[] = [
  {
    id: 'facebook',
    name: 'Facebook Custom Audiences',
    marketingActions: ['crossSiteTargeting', 'segmentMatch', 'onsiteAdvertising', 'exportToThirdParty'],
    identities: ['Email', 'Phone', 'Email_LC_SHA256', 'Phone_SHA256', 'IDFA', 'GAID']
  },
  {
    id: 'google-customer-match',
    name: 'Google Customer Match',
    marketingActions: [
      'crossSiteTargeting',
      'segmentMatch',
      'onsiteAdvertising',
      'combineWithPii',
      'exportToThirdParty'
    ],
    identities: ['Email', 'Phone', 'Email_LC_SHA256', 'Phone_SHA256', 'GAID']
  },
  {
    id: 'linkedin',
    name: 'LinkedIn Matched Audiences',
    marketingActions: ['crossSiteTargeting', 'segmentMatch', 'exportToThirdParty'],
    identities: ['Email', 'Email_LC_SHA256']
  },
  {
    id: 'braze',
    name: 'Braze',
    marketingActions: ['emailTargeting', 'singleIdentityPersonalization', 'exportToThirdParty'],
    identities: ['profileId', 'CRMID', 'Email', 'Phone']
  },
  {
    id: 'amplitude',
    name: 'Amplitude',
    marketingActions: ['analytics', 'exportToThirdParty'],
    identities: ['profileId', 'CRMID', 'ECID']
  },
  {
    id: 'email-marketing',
    name: 'Email marketing (ESP)',
    marketingActions: ['emailTargeting'],
    identities: ['profileId', 'Email']
  },
  {
    id: 's3-csv',
    name: 'Amazon S3 (CSV files)',
    marketingActions: ['exportToThirdParty'],
    identities: ['profileId', 'CRMID', 'Email', 'Phone', 'ECID', 'PartnerID']
  },
  {
    id: 'sftp-csv',
    name: 'SFTP (CSV files)',
    marketingActions: ['exportToThirdParty'],
    identities: ['profileId', 'CRMID', 'Email', 'Phone', 'ECID', 'PartnerID']
  }
];
