// The email service (ESP) list: a plain CSV an ESP imports as contacts — profileId, the address it
// sends to, and the mapped attributes for personalisation (DESIGN.md: email-marketing sends plain email).
// No platform format to follow, so it follows the file exports: RFC 4180, header first, formula-safe
// cells, a status column (active/exited) in incremental runs so the ESP can unsubscribe who left.
// A member needs an email to be written; its profileId alone does not make it reachable.
import { csvFile } from '../../format/csv';
import { normalizeEmail } from '../normalize';
import type { PayloadRequest, PayloadResult } from '../payload';
import { fileStem } from './fileNames';
import {
  attributeValue,
  checkColumns,
  firstValue,
  prepareMembers,
  singleValueCount,
  type IdentityRules,
  writtenIds
} from './members';

const EMAIL = 'email';

/** Trimmed, lower-cased, never hashed: the ESP mails it. */
export const emailMarketingRules: IdentityRules = (code) =>
  code === 'Email' ? { column: EMAIL, normalize: normalizeEmail, hash: false } : undefined;

export async function writeEmailMarketing(req: PayloadRequest): Promise<PayloadResult> {
  const { members, excluded } = await prepareMembers(req, emailMarketingRules, false);
  const header = [
    'profileId',
    EMAIL,
    ...req.attributes.map((a) => a.target),
    ...(req.incremental ? ['status'] : [])
  ];
  checkColumns(req.destination, header);
  const rows = members.map((m) => [
    m.member.profileId,
    firstValue(m, EMAIL),
    ...req.attributes.map((a) => attributeValue(m.member, a.path)),
    ...(req.incremental ? [m.member.status] : [])
  ]);
  return {
    files: [
      {
        name: `${fileStem(req)}.csv`,
        mimeType: 'text/csv',
        content: csvFile(header, rows, { formulaSafe: true })
      }
    ],
    rows: members.length,
    identitiesActivated: members.reduce((n, m) => n + singleValueCount(m, [EMAIL]), 0),
    excluded,
    written: writtenIds(members)
  };
}
