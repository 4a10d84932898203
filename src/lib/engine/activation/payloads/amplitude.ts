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
import { fileStem, membershipAttribute } from './fileNames';
import {
  attributeValue,
  checkColumns,
  firstValue,
  prepareMembers,
  singleValueCount,
  type IdentityRules,
  writtenIds
} from './members';

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
  const { members, excluded } = await prepareMembers(req, amplitudeRules, true);
  const columns = [...new Set(req.identities.flatMap((c) => amplitudeRules(c)?.column ?? []))];
  const membership = membershipAttribute(req.audience);
  checkColumns(req.destination, [...columns, ...req.attributes.map((a) => a.target), membership]);

  const identification = members.map((m) => {
    // Keys are user data (a target may be '__proto__'): a null-prototype object keeps them as data.
    const props = Object.create(null) as Record<string, unknown>;
    for (const c of columns) {
      const v = firstValue(m, c);
      if (v) props[c] = v;
    }
    for (const a of req.attributes) {
      const v = attributeValue(m.member, a.path);
      if (v !== undefined && v !== null) props[a.target] = v;
    }
    props[membership] = m.member.status === 'active';
    return { user_id: m.member.profileId, user_properties: props };
  });
  const body = { api_key: AMPLITUDE_API_KEY_PLACEHOLDER, identification };
  return {
    files: [
      {
        name: `${fileStem(req)}.json`,
        mimeType: 'application/json',
        content: `${JSON.stringify(body, null, 2)}\n`
      }
    ],
    rows: members.length,
    identitiesActivated: members.reduce((n, m) => n + singleValueCount(m, columns), 0),
    excluded,
    written: writtenIds(members)
  };
}
