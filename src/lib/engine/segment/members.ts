// An audience's members as a screen lists them: a page at a time, each assembled under the audience's
// merge policy and named the way the profile browser names a profile (profile/browse.ts listedAs), and
// the labels the audience's rule carries, read from the lineage activation evaluates policies on.
import type { Database } from '../db/sqlite';
import { invalid } from '../errors';
import { formatProfileId } from '../identity/profileId';
import { readIdentitySettings } from '../identity/settings';
import { reachingFields } from '../governance/lineage';
import { assembleProfile } from '../profile/assemble';
import { listedAs } from '../profile/browse';
import type { AudienceLabels, AudienceMemberPage, Namespace } from '../types';
import { audienceFields, audiencePids, findAudience } from './audiences';

const MAX_PAGE = 200;
const DEFAULT_PAGE = 50;

export function audienceMemberPage(
  db: Database,
  namespaces: Map<string, Namespace>,
  nameOrId: string,
  opts: { offset?: number; limit?: number } = {}
): AudienceMemberPage {
  const offset = opts?.offset ?? 0;
  const limit = opts?.limit ?? DEFAULT_PAGE;
  if (!Number.isInteger(offset) || offset < 0) throw invalid('offset is a whole number from 0.', { offset });
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw invalid(`limit is a whole number from 1 to ${MAX_PAGE}.`, { limit });
  }
  const audience = findAudience(db, nameOrId);
  // the members() order (profile numbers), so a page here is the same slice of members()
  const { pids, policy } = audiencePids(db, audience);
  // as profile() reads them: with stitching off a member is one fragment; under the isolate strategy
  // a known profile leaves out what its cookies did anonymously
  const graph = policy.stitching !== 'none';
  const isolate = graph && readIdentitySettings(db).strategy === 'isolate';
  const members = pids.slice(offset, offset + limit).map((pid) => {
    const p = assembleProfile(db, graph ? { comp: pid } : { fragment: pid }, namespaces, {
      policy,
      calculated: [],
      anonymous: isolate ? 'exclude' : undefined
    });
    return { ...listedAs(p), profileId: formatProfileId(pid) };
  });
  return { audience: audience.name, mergePolicy: policy.name, total: pids.length, offset, members };
}

const byImportance = (a: string, b: string) =>
  a === 'THIRD_PARTY' ? -1 : b === 'THIRD_PARTY' ? 1 : a.localeCompare(b, 'en', { numeric: true });

/** What the rule reads, through reachingFields: the labels a destination would receive through it. */
export function audienceLabels(db: Database, nameOrId: string): AudienceLabels {
  const audience = findAudience(db, nameOrId);
  const fields = reachingFields(db, {
    rule: audienceFields(db, audience),
    attributes: [],
    identities: []
  });
  const own = new Set(fields.flatMap((f) => f.labels.filter((l) => !f.inherited.includes(l))));
  const all = [...new Set(fields.flatMap((f) => f.labels))].sort(byImportance);
  return {
    audience: audience.name,
    labels: all,
    inherited: all.filter((l) => !own.has(l)),
    fields
  };
}
