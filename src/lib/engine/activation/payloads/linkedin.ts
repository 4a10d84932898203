// LinkedIn Matched Audiences contact list (Campaign Manager CSV upload).
// Source: https://www.linkedin.com/help/lms/answer/a1489764 — a CSV with the template's headers; the
// email column takes plain addresses or SHA-256 hashes of them; each row is one contact. DMP segment
// uploads match SHA-256 emails the same way:
// https://learn.microsoft.com/en-us/linkedin/marketing/matched-audiences/create-and-manage-list-uploads
// Only the email column is written: the template has one, so a member with two addresses gets one row
// per address (rows still counts profiles). Mapped attributes are not written (LinkedIn's other columns
// are names, title, company and country, matched only alongside an email). Members who left go to a
// _remove.csv: a contact list is replaced or reduced by uploading a list.
import { normalizeEmail } from '../normalize';
import type { PayloadRequest, PayloadResult } from '../payload';
import { adListRules, valueListFiles } from './adList';
import { prepareMembers, type IdentityRules, valueCount } from './members';
import { payloadResult } from './output';

const EMAIL = 'email';

/** SHA-256 of the trimmed, lower-cased email (no Gmail rule); already-hashed emails as they are. */
export const linkedinRules: IdentityRules = adListRules({
  email: { column: EMAIL, normalize: normalizeEmail }
});

export async function writeLinkedin(req: PayloadRequest): Promise<PayloadResult> {
  const prepared = await prepareMembers(req, linkedinRules, false);
  const files = valueListFiles(req, prepared.members, EMAIL);
  return payloadResult(prepared, files, valueCount(prepared.members, [EMAIL]));
}
