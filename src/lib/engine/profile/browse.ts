// The profile browser: customers and prospects kept apart, most recently updated first, paged in SQL so
// only the page shown is assembled.
import type { Database } from '../db/sqlite';
import { all, one } from '../db/sql';
import { invalid } from '../errors';
import type { Namespace, ProfileListItem, ProfilePage } from '../types';
import { assembleProfile, type AssembleOptions } from './assemble';

const MAX_PAGE = 200;

// A profile is a prospect when every record it holds is keyed by a partner (or non-people) id
const PROFILES = `SELECT i.comp AS comp, max(r.ts) AS updated,
    min(CASE WHEN n.type IN ('partner', 'nonPeople') THEN 1 ELSE 0 END) AS prospect
  FROM records r JOIN identities i ON i.iid = r.fkey JOIN namespaces n ON n.code = i.ns
  GROUP BY i.comp`;

export function browseProfiles(
  db: Database,
  namespaces: Map<string, Namespace>,
  opts: { kind: 'customer' | 'prospect'; offset?: number; limit?: number },
  assemble: Pick<AssembleOptions, 'policy' | 'calculated'>
): ProfilePage {
  if (opts?.kind !== 'customer' && opts?.kind !== 'prospect') {
    throw invalid('kind is "customer" or "prospect".', { kind: opts?.kind });
  }
  const offset = opts.offset ?? 0;
  const limit = opts.limit ?? 25;
  if (!Number.isInteger(offset) || offset < 0) throw invalid('offset is a whole number from 0.', { offset });
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw invalid(`limit is a whole number from 1 to ${MAX_PAGE}.`, { limit });
  }
  const prospect = opts.kind === 'prospect' ? 1 : 0;
  const total = Number(
    one<{ n: number }>(db, {
      sql: `SELECT count(*) AS n FROM (${PROFILES}) WHERE prospect = ?`,
      params: [prospect]
    })?.n ?? 0
  );
  const rows = all<{ comp: number; updated: string }>(db, {
    sql: `SELECT comp, updated FROM (${PROFILES}) WHERE prospect = ? ORDER BY updated DESC, comp LIMIT ? OFFSET ?`,
    params: [prospect, limit, offset]
  });
  const profiles: ProfileListItem[] = rows.map((r) => {
    const p = assembleProfile(db, { comp: r.comp }, namespaces, { ...assemble, calculated: [] });
    const a = p.attributes;
    const name = [a['person.name.firstName'], a['person.name.lastName']].filter(
      (v) => typeof v === 'string' && v
    );
    const first =
      p.kind === 'prospect' ? (p.identities.find((i) => !i.inGraph) ?? p.identities[0]) : p.identities[0];
    return {
      profileId: p.profileId,
      kind: p.kind === 'prospect' ? 'prospect' : 'customer',
      name: name.length ? name.join(' ') : null,
      email: typeof a['person.email'] === 'string' ? a['person.email'] : null,
      identity: first ? { namespace: first.namespace, id: first.id } : null,
      identities: p.identities.length,
      updatedAt: r.updated
    };
  });
  return { total, profiles };
}
