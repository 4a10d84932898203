// Amplitude Identify API batch, as one JSON file ready to POST.
// Source: https://amplitude.com/docs/apis/analytics/identify — a request carries api_key and
// identification, an array of { user_id or device_id, user_properties }; properties given without an
// operation ($set, $unset, ...) are set. user_id is the persistent profileId (DESIGN.md). We hold no
// API key, so the file carries the placeholder "<AMPLITUDE_API_KEY>" for the person who sends it.
// user_properties: mapped identities under their namespace code (ECID, IDFA, ...), mapped attributes under
// their target names, and audience membership as a boolean property (audience_<name>): false for
// members who left since the last run (incremental), so a cohort on "audience_x is true" follows it.
// Empty values are left out rather than set to null: an identify would otherwise erase the property.
import type { PayloadRequest, PayloadResult } from '../payload';
import { attributeColumns, identityColumns, membershipColumn } from './columns';
import { checkColumns, mappedColumns, prepareMembers, singleValueCount, type IdentityRules } from './members';
import { jsonPayload, payloadResult } from './output';

export const AMPLITUDE_API_KEY_PLACEHOLDER = '<AMPLITUDE_API_KEY>';

/**
 * The profileId is the user_id itself; the other ids travel as user properties under their namespace
 * code. Device ids are not made device_id: an identify with a device_id ties that device to the user
 * in Amplitude's own identity resolution, which is more than an export should decide.
 */
const AS_PROPERTIES: ReadonlySet<string> = new Set(['CRMID', 'ECID', 'IDFA', 'GAID']);
export const amplitudeRules: IdentityRules = (code) =>
  AS_PROPERTIES.has(code) ? { column: code, normalize: (v) => v.trim(), hash: false } : undefined;

export async function writeAmplitude(req: PayloadRequest): Promise<PayloadResult> {
  const prepared = await prepareMembers(req, amplitudeRules, true);
  const columns = mappedColumns(req, amplitudeRules);
  // A column without a value for a member gives undefined (or null), and is left out of its properties.
  const properties = [
    ...identityColumns(columns, (m, c) => m.values.get(c)?.[0]),
    ...attributeColumns(req),
    membershipColumn(req)
  ];
  checkColumns(
    req.destination,
    properties.map((p) => p.header)
  );

  const identification = prepared.members.map((m) => {
    // Keys are user data (a target may be '__proto__'): a null-prototype object keeps them as data.
    const props = Object.create(null) as Record<string, unknown>;
    for (const p of properties) {
      const v = p.cell(m);
      if (v !== undefined && v !== null) props[p.header] = v;
    }
    return { user_id: m.member.profileId, user_properties: props };
  });
  const body = { api_key: AMPLITUDE_API_KEY_PLACEHOLDER, identification };
  return payloadResult(prepared, [jsonPayload(req, body)], singleValueCount(prepared.members, columns));
}
