// The profile browser: customers and prospects kept apart, most recently updated first, paged in SQL so
// only the page shown is assembled.
import type { Database } from '../db/sqlite';
import { all } from '../db/sql';
import { invalid } from '../errors';
import type { Namespace, Profile, ProfileKind, ProfileListItem, ProfilePage } from '../types';
import { profileCounts } from './profiles';

const KINDS: unknown[] = ['customer', 'prospect', 'anonymous'];
import { assembleProfile, type AssembleOptions } from './assemble';

const MAX_PAGE = 200;

export function browseProfiles(
  db: Database,
  namespaces: Map<string, Namespace>,
  opts: { kind: ProfileKind; offset?: number; limit?: number },
  assemble: Pick<AssembleOptions, 'policy' | 'calculated'>
): ProfilePage {
  if (!KINDS.includes(opts?.kind)) {
    throw invalid('kind is "customer", "prospect" or "anonymous".', { kind: opts?.kind });
  }
  const offset = opts.offset ?? 0;
  const limit = opts.limit ?? 25;
  if (!Number.isInteger(offset) || offset < 0) throw invalid('offset is a whole number from 0.', { offset });
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw invalid(`limit is a whole number from 1 to ${MAX_PAGE}.`, { limit });
  }
  const total = profileCounts(db)[opts.kind];
  // the profiles_list index (kind, updated DESC, pno) walks the page in order: no sort of every profile
  const rows = all<{ comp: number; updated: string }>(db, {
    sql: `SELECT pno AS comp, updated FROM profiles WHERE kind = ? ORDER BY updated DESC, pno LIMIT ? OFFSET ?`,
    params: [opts.kind, limit, offset]
  });
  const profiles: ProfileListItem[] = rows.map((r) => {
    const p = assembleProfile(db, { comp: r.comp }, namespaces, { ...assemble, calculated: [] });
    return { ...listedAs(p), kind: opts.kind, updatedAt: r.updated };
  });
  return { total, profiles };
}

/**
 * How a list names an assembled profile (the profile browser, an audience's members): the person's
 * name and email, and the identity that says who it is: a prospect's partner id, else its first.
 */
export function listedAs(p: Profile): Omit<ProfileListItem, 'updatedAt'> {
  const a = p.attributes;
  const name = [a['person.name.firstName'], a['person.name.lastName']].filter(
    (v) => typeof v === 'string' && v
  );
  const first =
    p.kind === 'prospect' ? (p.identities.find((i) => !i.inGraph) ?? p.identities[0]) : p.identities[0];
  return {
    profileId: p.profileId,
    kind: p.kind,
    name: name.length ? name.join(' ') : null,
    email: typeof a['person.email'] === 'string' ? a['person.email'] : null,
    identity: first ? { namespace: first.namespace, id: first.id } : null,
    identities: p.identities.length
  };
}
