import type { Label, MarketingAction } from '../types';

const contract = (n: number, name: string, description: string): Label => ({
  id: `C${n}`,
  name,
  category: 'Contract',
  description
});

export const LABELS: Label[] = [
  contract(1, 'No outside export', 'Data cannot be exported to a third party.'),
  contract(2, 'No export to third party', 'Data cannot be exported to a third party, not even a partner.'),
  contract(3, 'No combining with directly identifiable information', 'Cannot be combined or used with PII.'),
  contract(
    4,
    'No on-site or off-site ads',
    'Cannot be used for advertising or targeting, on-site or off-site.'
  ),
  contract(5, 'No interest-based targeting', 'Cannot be used for interest-based, cross-site targeting.'),
  contract(6, 'No on-site advertising', 'Cannot be used for on-site advertising.'),
  contract(7, 'No on-site targeting', 'Cannot be used for on-site targeting or content personalization.'),
  contract(8, 'No measurement', 'Cannot be used for analytics or measurement.'),
  contract(9, 'No data science', 'Cannot be used in data science workflows.'),
  contract(10, 'No single identity personalization', 'Cannot be used for single-identity personalization.'),
  contract(11, 'No segment match', 'Cannot be used in segment match.'),
  contract(12, 'No general data export', 'Cannot be exported in any way.'),
  {
    id: 'I1',
    name: 'Directly identifiable data',
    category: 'Identity',
    description: 'Identifies a person directly: name, email, phone, address.'
  },
  {
    id: 'I2',
    name: 'Indirectly identifiable data',
    category: 'Identity',
    description: 'Identifies a device or browser: cookie and device ids.'
  },
  {
    id: 'S1',
    name: 'Precise geolocation',
    category: 'Sensitive',
    description: 'Latitude/longitude precise enough to place a person.'
  },
  {
    id: 'S2',
    name: 'Broad geolocation',
    category: 'Sensitive',
    description: 'Country, region or postal code.'
  },
  {
    id: 'THIRD_PARTY',
    name: 'Third-party data',
    category: 'Partner ecosystem',
    description: 'Data supplied by a data partner, not collected first-party.'
  }
];

export const MARKETING_ACTIONS: MarketingAction[] = [
  { id: 'analytics', name: 'Analytics' },
  { id: 'combineWithPii', name: 'Combine with PII' },
  { id: 'crossSiteTargeting', name: 'Cross-site targeting' },
  { id: 'dataScience', name: 'Data science' },
  { id: 'emailTargeting', name: 'Email targeting' },
  { id: 'exportToThirdParty', name: 'Export to third party' },
  { id: 'onsiteAdvertising', name: 'Onsite advertising' },
  { id: 'onsitePersonalization', name: 'Onsite personalization' },
  { id: 'segmentMatch', name: 'Segment match' },
  { id: 'singleIdentityPersonalization', name: 'Single identity personalization' }
];

/** A custom label id is short, starts with a letter and holds letters, digits or _. */
export const CUSTOM_LABEL_ID = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;

/** A custom marketing action id: an identifier such as "smsTargeting". */
export const CUSTOM_ACTION_ID = /^[A-Za-z][A-Za-z0-9]{0,39}$/;
