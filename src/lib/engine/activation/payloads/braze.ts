// Braze user attribute CSV import (Audiences > Import Users).
// Source: https://www.braze.com/docs/user_guide/data/unification/user_data/import_users/csv/ — the
// identifier column external_id; default attributes under Braze's exact header names (email, phone);
// any other header becomes a custom attribute; a blank cell does not overwrite what Braze holds;
// true/false are booleans (https://www.braze.com/docs/user_guide/data/activation/custom_data/data_types/).
// external_id is the persistent profileId (DESIGN.md). Email and phone go plain, as Braze sends to
// them: email trimmed and lower-cased, phone in E.164 with '+' (a national number needs the profile's
// country). Audience membership is a boolean custom attribute named after the audience
// (audience_<name>): true for members, false for those who left since the last run (incremental), so
// a Braze segment "audience_x is true" follows the audience and nobody is deleted from Braze.
import { e164Phone, normalizeEmail } from '../normalize';
import type { PayloadRequest, PayloadResult } from '../payload';
import { attributeColumns, identityColumns, memberTable, membershipColumn, profileIdColumn } from './columns';
import { firstValue, mappedColumns, prepareMembers, singleValueCount, type IdentityRules } from './members';
import { csvPayload, payloadResult } from './output';

/** What Braze takes besides external_id: email and phone as its standard attributes, CRMID as a custom one. */
export const brazeRules: IdentityRules = (code) => {
  switch (code) {
    case 'Email':
      return { column: 'email', normalize: normalizeEmail, hash: false };
    case 'Phone':
      return { column: 'phone', normalize: (v, m) => e164Phone(v, m.country), hash: false };
    case 'CRMID':
      return { column: 'CRMID', normalize: (v) => v.trim(), hash: false };
    default:
      return undefined;
  }
};

export async function writeBraze(req: PayloadRequest): Promise<PayloadResult> {
  const prepared = await prepareMembers(req, brazeRules, true);
  const columns = mappedColumns(req, brazeRules);
  const { header, rows } = memberTable(req, prepared.members, [
    profileIdColumn('external_id'),
    ...identityColumns(columns, firstValue),
    ...attributeColumns(req),
    membershipColumn(req)
  ]);
  return payloadResult(
    prepared,
    [csvPayload(req, header, rows)],
    singleValueCount(prepared.members, columns)
  );
}
