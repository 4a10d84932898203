// The profiles table: one row per graph profile with its kind and when it was last updated, as kindSql
// (./kind.ts) decides them. Overview counts, the profile browser, the dashboards and every batch's
// profile count read it instead of deriving every profile from every record.
//  - ingest keeps it current as it goes: each chunk writes the rows of the profiles it made or grew from
//    the rows they replace and its own records (growProfiles), and derives again the others it touched
//    (a split, a kind the rows do not decide: refreshProfiles; ../ingest/batchWriter.ts);
//  - anything that can change many profiles at once (a deleted batch, relinking, renormalising, a
//    label that makes a dataset partner data) marks it stale, and the next read rebuilds it whole.
import { readMeta, writeMeta } from '../db/meta';
import { all, inChunks, one, run } from '../db/sql';
import type { Database } from '../db/sqlite';
import type { ProfileKind } from '../types';
import { addToCounts, markCountsStale, profilesKey, readCounts } from './counts';
import { kindAfter, partnerDatasetIds, profileKinds, type KindFacts } from './kind';

const STALE = 'profilesStale';

export function markProfilesStale(db: Database): void {
  // the counts follow the profiles (and the records and identities changed with them)
  markCountsStale(db);
  // with no records there are no profiles: the table is current as it is emptied
  if (!one(db, { sql: 'SELECT 1 FROM records LIMIT 1' })) run(db, { sql: 'DELETE FROM profiles' });
  else writeMeta(db, STALE, '1');
}

/**
 * Runs a change to labels: when it makes a dataset partner data or first-party data (./kind.ts
 * isPartnerData), the kinds of its profiles change, and the table is rebuilt on its next read.
 */
export function whilePartnerDataMayChange(db: Database, change: () => void): void {
  const before = partnerDatasetIds(db).join(',');
  change();
  if (partnerDatasetIds(db).join(',') !== before) markProfilesStale(db);
}

/** Brings the table up to date when it was marked stale; reads call it before they read the table. */
export function currentProfiles(db: Database): void {
  if (readMeta(db, STALE) !== '1') return;
  // a savepoint: whole or not at all, inside a batch's transaction or on its own
  db.run('SAVEPOINT profiles_rebuild');
  try {
    run(db, { sql: 'DELETE FROM profiles' });
    const kinds = profileKinds(db);
    run(db, {
      sql: `INSERT INTO profiles (pno, kind, updated) SELECT comp, kind, updated FROM (${kinds.sql})`,
      params: kinds.params
    });
    run(db, { sql: 'DELETE FROM meta WHERE key = ?', params: [STALE] });
    markCountsStale(db);
    db.run('RELEASE profiles_rebuild');
  } catch (e) {
    db.run('ROLLBACK TO profiles_rebuild');
    db.run('RELEASE profiles_rebuild');
    throw e;
  }
}

/**
 * Derives again the rows of these profile numbers from their records as they are now: a number that
 * no longer names a profile (merged away, or its records gone) loses its row.
 */
export function refreshProfiles(db: Database, pnos: Iterable<number>): void {
  if (readMeta(db, STALE) === '1') return; // rebuilt whole on the next read anyway
  run(db, { sql: 'CREATE TEMP TABLE IF NOT EXISTS profiles_dirty (pno INTEGER PRIMARY KEY)' });
  run(db, { sql: 'DELETE FROM temp.profiles_dirty' });
  const add = db.prepare('INSERT OR IGNORE INTO temp.profiles_dirty (pno) VALUES (?)');
  try {
    for (const p of pnos) add.run([p]);
  } finally {
    add.free();
  }
  const deltas = new Map<string, number>();
  const tally = (sign: number) => {
    for (const r of all<{ kind: string; n: number }>(db, {
      sql: `SELECT kind, count(*) AS n FROM profiles WHERE pno IN (SELECT pno FROM temp.profiles_dirty)
             GROUP BY kind`
    }))
      deltas.set(profilesKey(r.kind), (deltas.get(profilesKey(r.kind)) ?? 0) + sign * Number(r.n));
  };
  tally(-1);
  run(db, { sql: 'DELETE FROM profiles WHERE pno IN (SELECT pno FROM temp.profiles_dirty)' });
  const kinds = profileKinds(db, { sql: 'i.comp IN (SELECT pno FROM temp.profiles_dirty)' });
  run(db, {
    sql: `INSERT INTO profiles (pno, kind, updated) SELECT comp, kind, updated FROM (${kinds.sql})`,
    params: kinds.params
  });
  tally(1);
  addToCounts(db, deltas);
  run(db, { sql: 'DELETE FROM temp.profiles_dirty' });
}

/** What a profile's row is derived from: who it is (./kind.ts) and its latest record's time. */
export interface ProfileFacts extends KindFacts {
  updated: string;
}

/**
 * A profile whose records are the records of the rows it replaces (`from`: its own number, numbers
 * merged into it; none for a new one) and the records the caller holds, which `added` describes
 * (undefined: none).
 */
export interface ProfileGrowth {
  from: readonly number[];
  added: ProfileFacts | undefined;
}

/** What no records say: folded into another's facts, it changes nothing. */
const NO_RECORDS: KindFacts = { firstPartyPerson: false, person: false, partnerOnly: true };

/**
 * Writes the rows of profiles that only grew or merged (ingest: a graph's new records, no split), from
 * the rows they replace and what the new records say, without reading any record. Returns the numbers
 * whose rows it wrote or removed; the others (a kind the old rows do not decide, ./kind.ts kindAfter)
 * are left to refreshProfiles.
 */
export function growProfiles(db: Database, grown: ReadonlyMap<number, ProfileGrowth>): Set<number> {
  const done = new Set<number>();
  if (!grown.size || readMeta(db, STALE) === '1') return done;
  const old = new Map<number, { kind: ProfileKind; updated: string }>();
  const from = [...new Set([...grown.values()].flatMap((g) => g.from))];
  for (const r of inChunks(from, (c, m) =>
    all<{ pno: number; kind: ProfileKind; updated: string }>(db, {
      sql: `SELECT pno, kind, updated FROM profiles WHERE pno IN (${m})`,
      params: c
    })
  ))
    old.set(Number(r.pno), r);
  const deltas = new Map<string, number>();
  const count = (kind: string, n: number) =>
    deltas.set(profilesKey(kind), (deltas.get(profilesKey(kind)) ?? 0) + n);
  const remove = db.prepare('DELETE FROM profiles WHERE pno = ?');
  const insert = db.prepare('INSERT INTO profiles (pno, kind, updated) VALUES (?, ?, ?)');
  const update = db.prepare('UPDATE profiles SET kind = ?, updated = ? WHERE pno = ?');
  try {
    for (const [pno, g] of grown) {
      const earlier = g.from.flatMap((q) => old.get(q) ?? []);
      let updated = g.added?.updated ?? '';
      for (const e of earlier) if (e.updated > updated) updated = e.updated;
      // no record is keyed in it (a merge made by records keyed elsewhere): no profile, as before
      if (!updated) {
        for (const q of [pno, ...g.from]) done.add(q);
        continue;
      }
      const kind = kindAfter(
        g.added ?? NO_RECORDS,
        earlier.map((e) => e.kind)
      );
      if (!kind) continue;
      for (const q of g.from) {
        const e = old.get(q);
        if (e && q !== pno) {
          remove.run([q]);
          count(e.kind, -1);
        }
        done.add(q);
      }
      done.add(pno);
      // a profile that kept its number keeps its row, changed only where it changed
      const own = g.from.includes(pno) ? old.get(pno) : undefined;
      if (own?.kind === kind && own.updated === updated) continue;
      if (own) {
        update.run([kind, updated, pno]);
        count(own.kind, -1);
      } else insert.run([pno, kind, updated]);
      count(kind, 1);
    }
  } finally {
    remove.free();
    insert.free();
    update.free();
  }
  addToCounts(db, deltas);
  return done;
}

/** How many profiles the sandbox has, of each kind. */
export function profileCounts(db: Database): Record<ProfileKind, number> {
  currentProfiles(db);
  const counts = readCounts(db);
  const of = (kind: ProfileKind) => counts.get(profilesKey(kind)) ?? 0;
  return { customer: of('customer'), prospect: of('prospect'), anonymous: of('anonymous') };
}

/** How many profiles the sandbox has, of every kind. */
export function countProfiles(db: Database): number {
  const c = profileCounts(db);
  return c.customer + c.prospect + c.anonymous;
}
