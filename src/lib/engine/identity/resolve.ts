// From (namespace, id) to the graph (comp) of the profile that holds it.
import type { Database } from '../db/sqlite';
import { all, one } from '../db/sql';
import { CdpError } from '../errors';
import type { Namespace } from '../types';
import { ANONYMOUS_TYPES, isKnownIdentity, normalizeIdentity } from './normalize';
import { currentNumber } from './persistentIds';
import { parseAnonymousId, parseProfileId } from './profileId';
import { readIdentitySettings } from './settings';

interface FoundIdentity {
  ns: Namespace;
  iid: number;
  comp: number;
}

/**
 * The stored identity a lookup names (namespace code in any case, value normalised as ingest stores
 * it: a phone read in the sandbox's default country unless one is given), or null. Throws for
 * arguments that are not strings and for an unknown namespace.
 */
function findIdentity(
  db: Database,
  namespaces: Map<string, Namespace>,
  namespace: string,
  id: string,
  defaultCountry?: string
): FoundIdentity | null {
  const ns = [...namespaces.values()].find((n) => n.code.toLowerCase() === namespace.toLowerCase());
  if (!ns)
    throw new CdpError('not_found', `No identity namespace "${namespace}" in this sandbox.`, { namespace });
  const country =
    defaultCountry ?? (ns.type === 'phone' ? readIdentitySettings(db).defaultCountry : undefined);
  const row = one<{ iid: number; comp: number }>(db, {
    sql: 'SELECT iid, comp FROM identities WHERE ns = ? AND value = ?',
    params: [ns.code, normalizeIdentity(ns, id, country)]
  });
  return row ? { ns, ...row } : null;
}

function checkArguments(namespace: unknown, id: unknown): void {
  if (typeof namespace !== 'string' || typeof id !== 'string') {
    throw new CdpError('invalid_argument', 'A lookup takes a namespace code and an id, both strings.');
  }
}

const isProfileId = (namespace: string) => namespace.toLowerCase() === 'profileid';

// Each lookup below takes an optional defaultCountry: the country a national phone number is read in.
// Without it the sandbox's own setting applies, so a lookup normalises its input as ingest did.

export function resolveComp(
  db: Database,
  namespaces: Map<string, Namespace>,
  namespace: string,
  id: string,
  defaultCountry?: string
): number | null {
  checkArguments(namespace, id);
  if (isProfileId(namespace)) {
    const pno = parseProfileId(id);
    return pno === null ? null : currentNumber(db, pno);
  }
  const row = findIdentity(db, namespaces, namespace, id, defaultCountry);
  if (!row) return null;
  const { ns } = row;
  if (ns.linksRecords) return row.comp;
  // A partner id is not in any graph; several profiles may hold it: the most recently updated wins.
  const holders = all<{ comp: number; updated: string }>(db, {
    sql: `SELECT h.comp, (SELECT max(r2.ts) FROM identities m JOIN records r2 ON r2.fkey = m.iid WHERE m.comp = h.comp) AS updated
            FROM (SELECT DISTINCT i.comp FROM record_identities ri JOIN records r ON r.rid = ri.rid
                    JOIN identities i ON i.iid = r.fkey WHERE ri.iid = ?) h
           ORDER BY updated DESC, h.comp LIMIT 1`,
    params: [row.iid]
  });
  return holders[0]?.comp ?? row.comp;
}

/**
 * With stitching off a profile is one fragment: the identity's own fragment when records are keyed by
 * it, else the most recent fragment holding it. Returns the fragment key (an iid), or null.
 */
export function resolveFragment(
  db: Database,
  namespaces: Map<string, Namespace>,
  namespace: string,
  id: string,
  defaultCountry?: string
): number | null {
  checkArguments(namespace, id);
  const iid = isProfileId(namespace)
    ? parseProfileId(id)
    : (findIdentity(db, namespaces, namespace, id, defaultCountry)?.iid ?? null);
  if (iid === null) return null;
  return (
    one<{ fkey: number }>(db, {
      sql: `SELECT r.fkey FROM record_identities ri JOIN records r ON r.rid = ri.rid
             WHERE ri.iid = ? AND r.fkey IS NOT NULL ORDER BY r.fkey = ? DESC, r.ts DESC, r.rid DESC LIMIT 1`,
      params: [iid, iid]
    })?.fkey ?? null
  );
}

/**
 * Under the isolate strategy: the cookie or device whose anonymous profile a lookup names (its anon- id,
 * or the cookie/device itself when it has records of its own that carry no known id), else null.
 */
export function resolveAnonymous(
  db: Database,
  namespaces: Map<string, Namespace>,
  namespace: string,
  id: string,
  defaultCountry?: string
): number | null {
  checkArguments(namespace, id);
  if (isProfileId(namespace)) return parseAnonymousId(id);
  const found = findIdentity(db, namespaces, namespace, id, defaultCountry);
  if (!found || !ANONYMOUS_TYPES.has(found.ns.type)) return null;
  const { iid } = found;
  const known = [...namespaces.values()].filter(isKnownIdentity).map((n) => n.code);
  // a visitor who never logged in has one profile, not an anonymous side of one
  const graph = all<{ ns: string }>(db, {
    sql: 'SELECT DISTINCT ns FROM identities WHERE comp = (SELECT comp FROM identities WHERE iid = ?)',
    params: [iid]
  });
  if (!graph.some((g) => isKnownIdentity(namespaces.get(g.ns)))) return null;
  // a record keyed by this cookie that carries no known id is anonymous activity
  const anonymous = one<{ n: number }>(db, {
    sql: `SELECT count(*) AS n FROM records r WHERE r.fkey = ? AND NOT EXISTS (
            SELECT 1 FROM record_identities ri JOIN identities i ON i.iid = ri.iid
             WHERE ri.rid = r.rid AND i.ns IN (${known.map(() => '?').join(',')}))`,
    params: [iid, ...known]
  });
  return (anonymous?.n ?? 0) > 0 ? iid : null;
}
