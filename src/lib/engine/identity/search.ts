// Identity search for the profile lookup screen: values that contain the text, in any namespace.
import { all } from '../db/sql';
import type { Database } from '../db/sqlite';
import type { IdentityMatch, Namespace } from '../types';
import { normalizeIdentity } from './normalize';
import { formatProfileId } from './profileId';
import { resolveComp } from './resolve';

export const MAX_MATCHES = 500;

const like = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Identities whose value contains the text anywhere (`lopez` finds maria.lopez@example.com), as typed,
 * lower-cased (emails are stored lower-case) and as a phone would be normalised.
 */
export function searchIdentities(
  db: Database,
  namespaces: Map<string, Namespace>,
  text: unknown,
  limit = 50,
  defaultCountry?: string
): IdentityMatch[] {
  const q = typeof text === 'string' ? text.trim() : '';
  if (!q) return [];
  const phone = /\d/.test(q) ? normalizeIdentity({ code: 'Phone', type: 'phone' }, q, defaultCountry) : '';
  const forms = [...new Set([q, q.toLowerCase(), phone].filter(Boolean))];
  const rows = all<{ ns: string; value: string; comp: number }>(db, {
    sql: `SELECT ns, value, comp FROM identities
           WHERE ${forms.map(() => "value LIKE ? ESCAPE '\\'").join(' OR ')} ORDER BY value, ns LIMIT ?`,
    params: [...forms.map(like), Math.max(1, Math.min(MAX_MATCHES, Number(limit) || 50))]
  });
  return rows.map((r) => {
    const linking = namespaces.get(r.ns)?.linksRecords ?? false;
    const comp = linking ? r.comp : resolveComp(db, namespaces, r.ns, r.value, defaultCountry);
    return { namespace: r.ns, id: r.value, inGraph: linking, profileId: comp ? formatProfileId(comp) : null };
  });
}
