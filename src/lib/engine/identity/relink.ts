// Blocking a value takes effect on the data already there: identities holding a newly blocked value
// stop linking the records they are in (a record keyed by one is keyed by its best remaining identity),
// unblocked ones link again, and every graph they touched is restitched, so a blocked value never
// links two profiles, whenever it was blocked.
import type { Database } from '../db/sqlite';
import { all, inChunks, placeholders } from '../db/sql';
import { markDerivedStale } from '../profile/derived';
import type { Namespace } from '../types';
import { MAX_IDENTITIES_PER_RECORD } from '../ingest/ingest';
import { blockedKeys } from './normalize';
import { readIdentitySettings } from './settings';
import { parseIds, restitchFrom } from './store';

const key = (v: string) => v.trim().toLowerCase();

/**
 * Returns how many identities changed sides. A blocked phone matches its stored E.164 form too, read
 * in the default country before and after the change (the sandbox's current one where not given).
 */
export function relinkBlocked(
  db: Database,
  namespaces: Map<string, Namespace>,
  before: string[],
  after: string[],
  country: { before?: string; after?: string } = {}
): number {
  const current = () => readIdentitySettings(db).defaultCountry;
  const was = blockedKeys(before, country.before ?? current());
  const now = blockedKeys(after, country.after ?? current());
  const changed = [...new Set([...was, ...now])].filter((v) => was.has(v) !== now.has(v));
  if (!changed.length) return 0;
  const linking = [...namespaces.values()].filter((n) => n.linksRecords).map((n) => n.code);
  const hits = all<{ iid: number; ns: string; value: string }>(db, {
    sql: `SELECT iid, ns, value FROM identities
           WHERE lower(trim(value)) IN (${placeholders(changed.length)}) AND ns IN (${placeholders(linking.length)})`,
    params: [...changed, ...linking]
  }).filter((r) => changed.includes(key(r.value)));
  if (!hits.length) return 0;

  const priority = (iid: number, nsOf: Map<number, string>) =>
    namespaces.get(nsOf.get(iid) ?? '')?.priority ?? 99;
  const blocked = new Set(hits.filter((h) => now.has(key(h.value))).map((h) => h.iid));
  const hitIds = hits.map((h) => h.iid);
  const records = inChunks(hitIds, (c, m) =>
    all<{ rid: number; ids: string; fkey: number | null; holder: number }>(db, {
      sql: `SELECT r.rid, r.ids, r.fkey, ri.iid AS holder FROM record_identities ri JOIN records r ON r.rid = ri.rid
             WHERE ri.iid IN (${m})`,
      params: c
    })
  );
  const update = db.prepare('UPDATE records SET ids = ?, fkey = ? WHERE rid = ?');
  const nsOf = new Map<number, string>();
  try {
    for (const r of records) {
      let ids = parseIds(r.ids);
      let fkey = r.fkey;
      if (blocked.has(r.holder)) {
        ids = ids.filter((i) => i !== r.holder);
        if (fkey === r.holder && ids.length) {
          for (const row of inChunks(ids, (c, m) =>
            all<{ iid: number; ns: string }>(db, {
              sql: `SELECT iid, ns FROM identities WHERE iid IN (${m})`,
              params: c
            })
          ))
            nsOf.set(row.iid, row.ns);
          fkey = [...ids].sort((a, b) => priority(a, nsOf) - priority(b, nsOf) || a - b)[0];
        }
      } else if (!ids.includes(r.holder) && ids.length < MAX_IDENTITIES_PER_RECORD) {
        ids = [...ids, r.holder];
      }
      update.run([ids.join(','), fkey, r.rid]);
    }
  } finally {
    update.free();
  }

  // the identities' graphs and every graph their records reach are derived again
  const seeds = all<{ iid: number }>(db, {
    sql: `SELECT iid FROM identities WHERE comp IN (SELECT comp FROM identities WHERE iid IN (${placeholders(hitIds.length)}))`,
    params: hitIds
  }).map((r) => r.iid);
  restitchFrom(db, namespaces, seeds);
  markDerivedStale(db);
  return hits.length;
}
