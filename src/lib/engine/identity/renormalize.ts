// Sandboxes saved before phones were normalised to E.164 hold them as their punctuation-free spelling
// ('2125550123', '12125550123'): a new upload of '+1 212 555 0123' would be a second identity for the
// same number and the two profiles would never meet. On opening such a file its phone identities are
// rewritten in today's form, identities that turn out to be one are merged (their records keep every
// link), and the graphs they touched are stitched again.
import { readMeta, writeMeta } from '../db/meta';
import { all, inChunks, run, transaction } from '../db/sql';
import type { Database } from '../db/sqlite';
import { markDerivedStale } from '../profile/derived';
import type { Namespace } from '../types';
import { normalizeIdentity } from './normalize';
import { readIdentitySettings } from './settings';
import { keepNumbersUsed } from './persistentIds';
import { parseIds, restitchFrom } from './store';

/** The form identity values are stored in; a sandbox below it is brought up to it when opened. */
export const IDENTITY_FORMAT = '2';
const KEY = 'identityFormat';

export function markIdentityFormat(db: Database): void {
  writeMeta(db, KEY, IDENTITY_FORMAT);
}

/** Returns how many phone identities changed. */
export function renormalizeIdentities(db: Database, namespaces: Map<string, Namespace>): number {
  if (readMeta(db, KEY) === IDENTITY_FORMAT) return 0;
  return transaction(db, () => {
    const { defaultCountry } = readIdentitySettings(db);
    const phones = [...namespaces.values()].filter((n) => n.type === 'phone' && !/sha256/i.test(n.code));
    const touched = new Set<number>();
    let changed = 0;
    for (const ns of phones) {
      const rows = all<{ iid: number; value: string; comp: number }>(db, {
        sql: 'SELECT iid, value, comp FROM identities WHERE ns = ? ORDER BY iid',
        params: [ns.code]
      });
      for (const r of rows) {
        const value = normalizeIdentity(ns, r.value, defaultCountry);
        if (value === r.value || value === '') continue;
        changed++;
        const target = all<{ iid: number; comp: number }>(db, {
          sql: 'SELECT iid, comp FROM identities WHERE ns = ? AND value = ?',
          params: [ns.code, value]
        })[0];
        if (!target) {
          run(db, { sql: 'UPDATE identities SET value = ? WHERE iid = ?', params: [value, r.iid] });
          continue;
        }
        mergeInto(db, r.iid, target.iid);
        touched.add(r.comp).add(target.comp);
      }
    }
    if (touched.size) restitchGraphs(db, namespaces, [...touched]);
    markIdentityFormat(db);
    return changed;
  });
}

/** Moves every link of identity `from` to `into` (the same value in today's form) and drops `from`. */
function mergeInto(db: Database, from: number, into: number): void {
  const records = all<{ rid: number; ids: string; fkey: number | null }>(db, {
    sql: 'SELECT r.rid, r.ids, r.fkey FROM records r JOIN record_identities ri ON ri.rid = r.rid WHERE ri.iid = ?',
    params: [from]
  });
  for (const r of records) {
    const ids = [...new Set(parseIds(r.ids).map((i) => (i === from ? into : i)))];
    run(db, {
      sql: 'UPDATE records SET ids = ?, fkey = ? WHERE rid = ?',
      params: [ids.join(','), r.fkey === from ? into : r.fkey, r.rid]
    });
  }
  run(db, { sql: 'UPDATE OR IGNORE record_identities SET iid = ? WHERE iid = ?', params: [into, from] });
  run(db, { sql: 'DELETE FROM record_identities WHERE iid = ?', params: [from] });
  run(db, {
    sql: `UPDATE identities SET
            first_seen = min(first_seen, (SELECT first_seen FROM identities WHERE iid = :from)),
            last_seen = max(last_seen, (SELECT last_seen FROM identities WHERE iid = :from))
          WHERE iid = :into`,
    params: { ':from': from, ':into': into }
  });
  keepNumbersUsed(db);
  run(db, { sql: 'DELETE FROM identities WHERE iid = ?', params: [from] });
}

function restitchGraphs(db: Database, namespaces: Map<string, Namespace>, comps: number[]): void {
  const seeds = inChunks(comps, (c, m) =>
    all<{ iid: number }>(db, { sql: `SELECT iid FROM identities WHERE comp IN (${m})`, params: c })
  ).map((r) => r.iid);
  restitchFrom(db, namespaces, seeds);
  markDerivedStale(db);
}
