// Persistent profile ids. identities.comp holds the number (pno) of the profile a graph is; the id a
// user sees is formatProfileId(pno). A new graph takes its oldest identity's iid as its number, and
// that identity is the number's home. Later changes keep numbers with the people they named:
//  - graphs that merge keep the oldest number; the others become aliases that still resolve;
//  - a graph that splits (a batch deleted) gives each part back the number its own home identity gave;
//  - identities the graph limit evicts leave without the number: the graph keeps its id (its home moves
//    to a remaining member) and each evicted identity gets a number of its own.
// profile_ids holds only what differs from that default (home = pno, not merged): aliases, moved homes,
// and numbers reserved for evicted identities whose own iid was taken.
import type { Database } from '../db/sqlite';
import { writeMeta } from '../db/meta';
import { all, inChunks, one } from '../db/sql';

interface NumberRow {
  pno: number;
  home: number;
  merged_into: number | null;
}

export interface Grouping {
  /** node -> graph key (any member iid naming the graph), as the stitch computed it */
  graph: Map<number, number>;
  evicted: ReadonlySet<number>;
  /** stored nodes -> the number their graph had before */
  before: ReadonlyMap<number, number>;
  /** a number no identity or profile has used yet */
  allocate: () => number;
}

/**
 * The highest number ever used by an identity or a profile, so new ones never collide, not even with
 * a deleted profile's: a destination that received pf-000002 still holds that person, and a new one
 * taking the id would be merged into them there.
 */
export function maxNumber(db: Database): number {
  return Number(
    one<{ m: number }>(db, {
      sql: `SELECT max(coalesce((SELECT max(iid) FROM identities), 0),
                       coalesce((SELECT max(pno) FROM profile_ids), 0),
                       coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = '${HIGH_WATER}'), 0)) AS m`
    })!.m
  );
}

const HIGH_WATER = 'numbersUsed';

/** Called before identities are deleted: the numbers they (and their profiles) had stay used. */
export function keepNumbersUsed(db: Database): void {
  writeMeta(db, HIGH_WATER, String(maxNumber(db)));
}

/**
 * Numbers each graph of a restitched closure and records aliases and moved homes. Returns
 * node -> profile number.
 */
export function assignProfileNumbers(db: Database, g: Grouping): Map<number, number> {
  const groups = new Map<number, number[]>();
  for (const [iid, key] of g.graph) {
    const list = groups.get(key);
    if (list) list.push(iid);
    else groups.set(key, [iid]);
  }
  const stored = [...g.before.keys()];
  const old = new Set(g.before.values());
  const rows = new Map<number, NumberRow>();
  const load = (sql: string, ids: number[]) => {
    for (const r of inChunks(ids, (c, m) => all<NumberRow>(db, { sql: sql.replace('$', m), params: c })))
      rows.set(r.pno, r);
  };
  if (stored.length) {
    load('SELECT * FROM profile_ids WHERE pno IN ($)', [...new Set([...old, ...stored])]);
    load('SELECT * FROM profile_ids WHERE home IN ($)', stored);
  }
  const homeOf = (p: number) => rows.get(p)?.home ?? p;

  // numbers that have named a profile, by the graph their home is in now
  const claims = new Map<number, number[]>();
  for (const p of new Set([...old, ...rows.keys()])) {
    const key = g.before.has(homeOf(p)) ? g.graph.get(homeOf(p)) : undefined;
    if (key === undefined) continue;
    const list = claims.get(key);
    if (list) list.push(p);
    else claims.set(key, [p]);
  }

  const label = new Map<number, number>();
  const taken = new Set<number>();
  const give = (key: number, p: number) => {
    label.set(key, p);
    taken.add(p);
  };
  const oldest = new Map<number, number>();
  for (const [key, members] of groups) oldest.set(key, Math.min(...members));
  const order = [...groups.keys()].sort((a, b) => oldest.get(a)! - oldest.get(b)!);
  const kept = order.filter((k) => !g.evicted.has(k));
  // a graph's own numbers first: the oldest it brought
  for (const key of kept) {
    const own = claims.get(key);
    if (own?.length) give(key, Math.min(...own));
  }
  // a graph whose home left (evicted, or its records deleted) keeps the oldest number it had
  for (const key of kept) {
    if (label.has(key)) continue;
    const had = groups
      .get(key)!
      .filter((i) => g.before.has(i))
      .map((i) => g.before.get(i)!);
    const free = had.filter((p) => !taken.has(p));
    if (free.length) give(key, Math.min(...free));
  }
  // evicted identities keep a number of their own, never the one of the graph they left
  for (const key of order) {
    if (label.has(key) || !g.evicted.has(key)) continue;
    const own = (claims.get(key) ?? []).filter((p) => !taken.has(p));
    if (own.length) give(key, Math.min(...own));
  }
  // the rest are new profiles: named by their oldest identity unless that number is in use
  for (const key of order) {
    if (label.has(key)) continue;
    const m = oldest.get(key)!;
    give(key, taken.has(m) || old.has(m) || rows.has(m) ? g.allocate() : m);
  }

  const upsert = db.prepare(
    'INSERT INTO profile_ids (pno, home, merged_into) VALUES (?, ?, ?) ON CONFLICT (pno) DO UPDATE SET home = excluded.home, merged_into = excluded.merged_into'
  );
  const collapse = db.prepare('UPDATE profile_ids SET merged_into = ? WHERE merged_into = ?');
  const drop = db.prepare('DELETE FROM profile_ids WHERE pno = ? AND home = pno AND merged_into IS NULL');
  const write = (pno: number, home: number, mergedInto: number | null) => {
    const row = rows.get(pno);
    if (row && row.home === home && row.merged_into === mergedInto) return;
    if (!row && home === pno && mergedInto === null) return;
    upsert.run([pno, home, mergedInto]);
    drop.run([pno]);
    rows.set(pno, { pno, home, merged_into: mergedInto });
  };
  try {
    for (const [key, members] of groups) {
      const l = label.get(key)!;
      write(l, members.includes(homeOf(l)) ? homeOf(l) : oldest.get(key)!, null);
      // a graph of new identities only (most of a first load) has nothing merged into it
      if (!claims.has(key) && !members.some((i) => g.before.has(i))) continue;
      const merged = new Set([
        ...(claims.get(key) ?? []),
        ...members.filter((i) => g.before.has(i)).map((i) => g.before.get(i)!)
      ]);
      for (const p of merged) {
        if (taken.has(p)) continue;
        write(p, homeOf(p), l);
        collapse.run([l, p]);
      }
    }
  } finally {
    upsert.free();
    collapse.free();
    drop.free();
  }
  const out = new Map<number, number>();
  for (const [iid, key] of g.graph) out.set(iid, label.get(key)!);
  return out;
}

/** The current number of a profile id's number: itself while a graph holds it, else what it merged into. */
export function currentNumber(db: Database, pno: number): number | null {
  const holds = (p: number) =>
    one<{ x: number }>(db, { sql: 'SELECT 1 AS x FROM identities WHERE comp = ? LIMIT 1', params: [p] }) !==
    undefined;
  if (holds(pno)) return pno;
  const into = one<{ m: number | null }>(db, {
    sql: 'SELECT merged_into AS m FROM profile_ids WHERE pno = ?',
    params: [pno]
  })?.m;
  return into != null && holds(into) ? into : null;
}

/** The numbers that merged into a profile, oldest first. */
export function aliasesOf(db: Database, pno: number): number[] {
  return all<{ pno: number }>(db, {
    sql: 'SELECT pno FROM profile_ids WHERE merged_into = ? ORDER BY pno',
    params: [pno]
  }).map((r) => r.pno);
}
