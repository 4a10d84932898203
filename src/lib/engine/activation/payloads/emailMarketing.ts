// The email service (ESP) list: a plain CSV an ESP imports as contacts — profileId, the address it
// sends to, and the mapped attributes for personalisation (DESIGN.md: email-marketing sends plain email).
// No platform format to follow, so it follows the file exports: RFC 4180, header first, formula-safe
// cells, a status column (active/exited) in incremental runs so the ESP can unsubscribe who left.
// A member needs an email to be written; its profileId alone does not make it reachable.
import { normalizeEmail } from '../normalize';
import type { PayloadRequest, PayloadResult } from '../payload';
import { attributeColumns, identityColumns, memberTable, profileIdColumn, statusColumns } from './columns';
import { firstValue, prepareMembers, singleValueCount, type IdentityRules } from './members';
import { csvPayload, payloadResult } from './output';

const EMAIL = 'email';

/** Trimmed, lower-cased, never hashed: the ESP mails it. */
export const emailMarketingRules: IdentityRules = (code) =>
  code === 'Email' ? { column: EMAIL, normalize: normalizeEmail, hash: false } : undefined;

export async function writeEmailMarketing(req: PayloadRequest): Promise<PayloadResult> {
  const prepared = await prepareMembers(req, emailMarketingRules, false);
  // The email column is always there, mapped or not: it is what the ESP sends to.
  const { header, rows } = memberTable(req, prepared.members, [
    profileIdColumn(),
    ...identityColumns([EMAIL], firstValue),
    ...attributeColumns(req),
    ...statusColumns(req)
  ]);
  return payloadResult(
    prepared,
    [csvPayload(req, header, rows)],
    singleValueCount(prepared.members, [EMAIL])
  );
}
