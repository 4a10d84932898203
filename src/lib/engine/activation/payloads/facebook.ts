// Meta (Facebook) Custom Audience customer list, as a CSV whose header is Meta's multi-key schema.
// Sources:
//  - keys (EMAIL, PHONE, MADID, EXTERN_ID, FN, LN, FI, CT, ST, ZIP, COUNTRY, GEN, DOBY, DOBM, DOBD) and
//    "share your data in a hashed format": https://developers.facebook.com/docs/marketing-api/custom-audience-api
//    and its Hashing and Normalizing Data section; the SDK's helper names the same multi-key schema and
//    sends MADID unhashed: https://github.com/facebook/facebook-python-business-sdk
//    (facebook_business/adobjects/helpers/customaudiencemixin.py)
//  - normalisation: email trimmed and lower-cased; phone digits only with the country code, no '+'
//    (a '+' spelling hashes to nothing Meta holds): https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/customer-information-parameters
//  - file layout, one column per identifier, up to three email and three phone columns:
//    https://www.facebook.com/business/help/2082575038703844
// EXTERN_ID is the advertiser's own id, sent as it is (not hashed). Members who left the audience
// (incremental runs) go to a _remove.csv: Meta removes people by uploading the same kind of list
// ("remove customers" in Ads Manager, DELETE on the audience's users edge in the API).
import { hashAll } from '../hash';
import { facebookPhone, normalizeEmail } from '../normalize';
import type { ExportMember, PayloadRequest, PayloadResult } from '../payload';
import { adListRules, keyLayout, listFiles } from './adList';
import {
  attributeValue,
  checkColumns,
  mappedColumns,
  prepareMembers,
  profileIdCount,
  type IdentityRules
} from './members';
import { payloadResult } from './output';

const EMAIL = 'EMAIL';
const PHONE = 'PHONE';
const MADID = 'MADID';

/**
 * What Meta accepts: emails (no Gmail rule: Meta does not fold dots or tags), phones as E.164 digits,
 * the already-hashed namespaces as they are, device ids (IDFA, GAID) as MADID, and the profileId as
 * EXTERN_ID (written on every row; it counts as an accepted identity only when mapped).
 */
export const facebookRules: IdentityRules = adListRules({
  email: { column: EMAIL, normalize: normalizeEmail },
  phone: { column: PHONE, normalize: (v, m) => facebookPhone(v, m.country) },
  // Unhashed, lower-cased with its hyphens kept: the spelling Meta's normalisation table gives MADID.
  devices: { column: MADID, normalize: (v) => v.trim().toLowerCase() }
});

// Meta's normalisation of the keys it hashes: lower case; names without punctuation; places, codes and
// dates without punctuation or spaces either.
const name = (v: string) =>
  v
    .trim()
    .toLowerCase()
    .replace(/\p{P}+/gu, '');
const squash = (v: string) => v.toLowerCase().replace(/[\p{P}\p{Z}\s]+/gu, '');

/**
 * Meta takes only its own keys, so a mapped attribute is written only when its target names one of
 * them (case-insensitively), normalised as above and hashed; any other attribute has no column in a
 * customer list and is not written.
 */
const ATTRIBUTE_KEYS: ReadonlyMap<string, (v: string, m: ExportMember) => string> = new Map([
  ['FN', name],
  ['LN', name],
  ['FI', (v: string) => squash(v).slice(0, 1)],
  ['CT', squash],
  ['ST', squash],
  ['ZIP', (v: string, m: ExportMember) => (m.country === 'US' ? squash(v).slice(0, 5) : squash(v))],
  ['COUNTRY', squash],
  ['GEN', (v: string) => squash(v).slice(0, 1)],
  ['DOBY', squash],
  ['DOBM', squash],
  ['DOBD', squash]
]);

/** An attribute value as text for one of Meta's keys; '' for none, and for lists or objects. */
function attributeText(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

export async function writeFacebook(req: PayloadRequest): Promise<PayloadResult> {
  const prepared = await prepareMembers(req, facebookRules, true);
  const { members } = prepared;
  const mapped = mappedColumns(req, facebookRules);
  const keys = keyLayout(
    members,
    [EMAIL, PHONE, MADID].filter((k) => mapped.includes(k))
  );
  const attributes = req.attributes
    .map((a) => ({ ...a, key: a.target.trim().toUpperCase() }))
    .filter((a) => ATTRIBUTE_KEYS.has(a.key));
  checkColumns(
    req.destination,
    attributes.map((a) => a.key)
  );

  // Attribute values hashed once each, like the identities.
  const attributeCells = members.map((m) =>
    attributes.map((a) => {
      const text = attributeText(attributeValue(m.member, a.path));
      return text.trim() ? ATTRIBUTE_KEYS.get(a.key)!(text, m.member) : '';
    })
  );
  const hashes = await hashAll(attributeCells.flat().filter(Boolean));
  const attributeByMember = new Map(
    members.map((m, i) => [m, attributeCells[i].map((v) => (v ? hashes.get(v)! : ''))])
  );

  const header = [...keys.header, 'EXTERN_ID', ...attributes.map((a) => a.key)];
  const files = listFiles(req, members, header, (m) => [
    [...keys.cells(m), m.member.profileId, ...attributeByMember.get(m)!]
  ]);
  return payloadResult(prepared, files, keys.written(members) + profileIdCount(members));
}
