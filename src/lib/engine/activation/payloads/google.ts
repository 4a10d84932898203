// Google Ads Customer Match customer data file.
// Sources:
//  - file format: CSV in UTF-8 with the English headers Email, Phone (several of each allowed), and
//    a separate template whose one column is "Mobile Device ID":
//    https://support.google.com/google-ads/answer/7659867
//  - hashing: SHA-256 of the normalised value; emails trimmed and lower-cased, phones in E.164 with
//    their country code before hashing (the template linked from that page, and
//    https://developers.google.com/display-video/api/guides/tasks/upload-customer-match-audience/prepare-data);
//    periods of gmail.com / googlemail.com local parts removed
//    (https://developers.google.com/google-ads/api/docs/conversions/enhance-conversions).
// Google hashes plain values itself too, but hashing here keeps the addresses off the file, as Adobe's
// Customer Match destination does. Device ids are a different list type in Google Ads, so they get a
// file of their own (_mobile.csv). Mapped attributes are not written: Google's contact list takes only
// its own columns, and its address match (First Name, Last Name, Country, Zip) needs all four.
import { e164Phone, googleEmail } from '../normalize';
import type { PayloadFile, PayloadRequest, PayloadResult } from '../payload';
import { keyCells, keyColumns, listFiles } from './adList';
import { prepareMembers, hashedRule, type IdentityRules, writtenIds } from './members';

const EMAIL = 'Email';
const PHONE = 'Phone';
const MOBILE = 'Mobile Device ID';

/** Email with Google's Gmail rule, phone in E.164 with '+', both hashed; device ids unhashed, on their own list. */
export const googleRules: IdentityRules = (code) => {
  switch (code) {
    case 'Email':
      return { column: EMAIL, normalize: googleEmail, hash: true };
    case 'Phone':
      return { column: PHONE, normalize: (v, m) => e164Phone(v, m.country), hash: true };
    case 'GAID':
    case 'IDFA':
      return { column: MOBILE, normalize: (v) => v.trim(), hash: false };
    default:
      return hashedRule(code, { email: EMAIL, phone: PHONE });
  }
};

export async function writeGoogle(req: PayloadRequest): Promise<PayloadResult> {
  const { members, excluded } = await prepareMembers(req, googleRules, false);
  const columnsMapped = new Set(req.identities.map((c) => googleRules(c)?.column));
  const keys = [EMAIL, PHONE].filter((k) => columnsMapped.has(k));
  const devices = columnsMapped.has(MOBILE);
  const counts = keys.map((k) => keyColumns(members, k));

  const files: PayloadFile[] = [];
  // The contact list, unless device ids are all that is mapped (then an empty contact list says nothing).
  if (keys.length || !devices) {
    const header = keys.length ? keys.flatMap((k, i) => Array<string>(counts[i]).fill(k)) : [EMAIL];
    files.push(
      ...listFiles(req, members, header, (m) =>
        keys.some((k) => m.values.has(k)) ? [keys.flatMap((k, i) => keyCells(m, k, counts[i]))] : []
      )
    );
  }
  if (devices) {
    files.push(
      ...listFiles(req, members, [MOBILE], (m) => (m.values.get(MOBILE) ?? []).map((id) => [id]), 'mobile')
    );
  }

  let identitiesActivated = 0;
  for (const m of members) {
    identitiesActivated += keys.reduce((n, k, i) => n + Math.min(m.values.get(k)?.length ?? 0, counts[i]), 0);
    identitiesActivated += m.values.get(MOBILE)?.length ?? 0;
  }
  return { files, rows: members.length, identitiesActivated, excluded, written: writtenIds(members) };
}
