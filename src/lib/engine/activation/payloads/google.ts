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
import { adListRules, keyLayout, listFiles, valueListFiles } from './adList';
import { mappedColumns, prepareMembers, type IdentityRules, valueCount } from './members';
import { payloadResult } from './output';

const EMAIL = 'Email';
const PHONE = 'Phone';
const MOBILE = 'Mobile Device ID';

/** Email with Google's Gmail rule, phone in E.164 with '+', both hashed; device ids unhashed, on their own list. */
export const googleRules: IdentityRules = adListRules({
  email: { column: EMAIL, normalize: googleEmail },
  phone: { column: PHONE, normalize: (v, m) => e164Phone(v, m.country) },
  devices: { column: MOBILE, normalize: (v) => v.trim() }
});

export async function writeGoogle(req: PayloadRequest): Promise<PayloadResult> {
  const prepared = await prepareMembers(req, googleRules, false);
  const { members } = prepared;
  const mapped = mappedColumns(req, googleRules);
  const listed = [EMAIL, PHONE].filter((k) => mapped.includes(k));
  const keys = keyLayout(members, listed);
  const devices = mapped.includes(MOBILE);

  const files: PayloadFile[] = [];
  // The contact list, unless device ids are all that is mapped (then an empty contact list says nothing).
  if (listed.length || !devices) {
    const header = listed.length ? keys.header : [EMAIL];
    files.push(
      ...listFiles(req, members, header, (m) => (listed.some((k) => m.values.has(k)) ? [keys.cells(m)] : []))
    );
  }
  if (devices) files.push(...valueListFiles(req, members, MOBILE, 'mobile'));
  return payloadResult(prepared, files, keys.written(members) + valueCount(members, [MOBILE]));
}
