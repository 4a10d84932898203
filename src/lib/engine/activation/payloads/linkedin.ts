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
import { listFiles } from './adList';
import { prepareMembers, hashedRule, type IdentityRules, writtenIds } from './members';

const EMAIL = 'email';

/** SHA-256 of the trimmed, lower-cased email (no Gmail rule); already-hashed emails as they are. */
export const linkedinRules: IdentityRules = (code) => {
  switch (code) {
    case 'Email':
      return { column: EMAIL, normalize: normalizeEmail, hash: true };
    default:
      return hashedRule(code, { email: EMAIL });
  }
};

export async function writeLinkedin(req: PayloadRequest): Promise<PayloadResult> {
  const { members, excluded } = await prepareMembers(req, linkedinRules, false);
  const files = listFiles(req, members, [EMAIL], (m) => (m.values.get(EMAIL) ?? []).map((h) => [h]));
  const identitiesActivated = members.reduce((n, m) => n + (m.values.get(EMAIL)?.length ?? 0), 0);
  return { files, rows: members.length, identitiesActivated, excluded, written: writtenIds(members) };
}
