// The second stage of ingestion: mapped rows into the database, inside the batch's transaction. Records
// are stored once per occurrence (identical rows in one file are each a record; a row already stored by an
// earlier batch is claimed, not stored again), identities are found or allocated, and each chunk's graphs
// are restitched before the next chunk, so memory holds one chunk's state, not the file's.
import { all, inChunks, one } from '../db/sql';
import type { Database, Statement } from '../db/sqlite';
import { maxNumber } from '../identity/persistentIds';
import { loadClosure, restitch, stitchNode } from '../identity/store';
import type { StitchNode, StitchRecord } from '../identity/stitch';
import type { Dataset, Namespace } from '../types';
import { carriesPerson } from '../profile/kind';
import { refreshProfiles } from '../profile/profiles';
import { keepSnapshots, keepSnapshotsFrom, type KeptSnapshots } from '../segment/snapshot';
import { recordHash } from './hash';
import type { MappedRow } from './rowMapper';

interface IdentityTally {
  iid: number;
  ns: Namespace;
  value: string;
  isNew: boolean;
  first: string;
  last: string;
}

export type WriteOutcome = 'stored' | 'claimed';

export class BatchWriter {
  private readonly findIdentity: Statement;
  private readonly insertRecord: Statement;
  private readonly insertLink: Statement;
  private readonly statements: Statement[];
  private readonly cache = new Map<string, IdentityTally>();
  private readonly nodes = new Map<number, StitchNode>();
  private readonly records = new Map<number, StitchRecord>();
  private readonly graphs = new Set<number>();
  /** The key identities of the chunk's stored records: their profiles are refreshed at its flush. */
  private readonly keys = new Set<number>();
  /** Brought up to date before the first record, then kept at every flush: nothing to rebuild after. */
  private snapshots: KeptSnapshots | null = null;
  // identities and profiles draw from one sequence: a profile number never names another's identity
  private maxIid: number;
  private maxRid: number;
  /** Every number at or below it named an identity or a profile before this batch. */
  private readonly before: number;

  constructor(
    private readonly db: Database,
    private readonly namespaces: Map<string, Namespace>,
    private readonly dataset: Dataset,
    private readonly seq: number
  ) {
    this.maxIid = this.before = maxNumber(db);
    this.maxRid = Number(
      one<{ m: number }>(db, { sql: 'SELECT coalesce(max(rid), 0) AS m FROM records' })!.m
    );
    this.statements = [
      (this.findIdentity = db.prepare('SELECT iid FROM identities WHERE ns = ? AND value = ?')),
      (this.insertRecord = db.prepare(
        `INSERT OR IGNORE INTO records (rid, dataset_id, batch_seq, row, ts, fkey, ids, hash, data, occurrence, person)
         VALUES (?,?,?,?,?,?,?,?,?,?,?)`
      )),
      (this.insertLink = db.prepare('INSERT OR IGNORE INTO record_identities (iid, rid) VALUES (?, ?)'))
    ];
  }

  /** Frees the prepared statements; called in a finally, whatever happened. */
  close(): void {
    for (const s of this.statements) s.free();
  }

  write(m: MappedRow): WriteOutcome {
    this.snapshots ??= keepSnapshotsFrom(this.db);
    const data = JSON.stringify(m.attrs);
    const hash = recordHash(data);
    const profile = this.dataset.profileEnabled;
    // A dataset outside the profile store keeps its records and adds no identity to any graph
    const found = profile ? m.identities.map((c) => ({ c, t: this.identityOf(c.ns, c.value) })) : [];
    const key = found.find((x) => x.c === m.key)?.t;
    const ids = found.filter((x) => x.c.ns.linksRecords).map((x) => x.t.iid);
    const rid = ++this.maxRid;
    const person = carriesPerson(found.map((x) => x.c.ns.type)) ? 1 : 0;
    const fields = [this.dataset.id, this.seq, m.row, m.ts, key?.iid ?? null, ids.join(','), hash, data];
    this.insertRecord.run([rid, ...fields, 1, person]);
    if (this.db.getRowsModified() === 0) {
      this.maxRid--;
      const placed = this.placeDuplicate(hash, m.row);
      if (placed === 'claimed') return 'claimed';
      this.insertRecord.run([++this.maxRid, ...fields, placed, person]);
    }
    if (key && profile) this.keys.add(key.iid);
    for (const x of found) {
      this.touch(x.t, m.ts);
      this.insertLink.run([x.t.iid, this.maxRid]);
    }
    if (ids.length) this.records.set(this.maxRid, { rid: this.maxRid, ts: m.ts, ids });
    return 'stored';
  }

  /**
   * A row identical to a stored record: this batch claims the first occurrence it does not hold yet
   * (re-ingesting a file changes nothing), or, holding them all, it is one more occurrence to store.
   * Returns 'claimed' or the occurrence number to store it under.
   */
  private placeDuplicate(hash: string, row: number): 'claimed' | number {
    const held = all<{ rid: number; occurrence: number; mine: number }>(this.db, {
      sql: `SELECT r.rid, r.occurrence, (r.batch_seq = :seq OR EXISTS (
                SELECT 1 FROM record_claims c WHERE c.batch_seq = :seq AND c.rid = r.rid)) AS mine
              FROM records r WHERE r.dataset_id = :ds AND r.hash = :hash ORDER BY r.occurrence`,
      params: { ':seq': this.seq, ':ds': this.dataset.id, ':hash': hash }
    });
    const free = held.find((h) => !h.mine);
    if (free) {
      this.db.run('INSERT INTO record_claims (batch_seq, rid, row) VALUES (?, ?, ?)', [
        this.seq,
        free.rid,
        row
      ]);
      return 'claimed';
    }
    return Math.max(0, ...held.map((h) => h.occurrence)) + 1;
  }

  private identityOf(ns: Namespace, value: string): IdentityTally {
    const key = `${ns.code}\u0000${value}`;
    let t = this.cache.get(key);
    if (!t) {
      this.findIdentity.bind([ns.code, value]);
      const found = this.findIdentity.step() ? Number(this.findIdentity.get()[0]) : undefined;
      this.findIdentity.reset();
      t = found
        ? { iid: found, ns, value, isNew: false, first: '', last: '' }
        : { iid: ++this.maxIid, ns, value, isNew: true, first: '', last: '' };
      this.cache.set(key, t);
    }
    return t;
  }

  /** Only a record actually stored moves first/last seen: re-ingesting a file changes nothing. */
  private touch(t: IdentityTally, ts: string): void {
    if (!t.first || ts < t.first) t.first = ts;
    if (!t.last || ts > t.last) t.last = ts;
    if (!t.ns.linksRecords) return;
    const node = this.nodes.get(t.iid);
    if (node) node.lastSeen = t.last;
    else if (t.isNew) this.nodes.set(t.iid, stitchNode(t.iid, t.ns, t.value, t.last));
  }

  /**
   * Writes the chunk's identities and restitches the graphs it touched. The closure reloads whatever
   * earlier chunks (or batches) stored, so the graphs come out as if the file were stitched whole.
   */
  flush(): void {
    const { db } = this;
    const seeds: number[] = [];
    const fresh: IdentityTally[] = [];
    const freshIds = new Set<number>();
    const update = db.prepare(
      'UPDATE identities SET first_seen = min(first_seen, ?), last_seen = max(last_seen, ?) WHERE iid = ?'
    );
    try {
      for (const t of this.cache.values()) {
        if (!t.last) continue; // only in records this dataset already had: nothing about it changed
        if (t.isNew) {
          fresh.push(t);
          freshIds.add(t.iid);
        } else {
          update.run([t.first, t.last, t.iid]);
          if (t.ns.linksRecords) seeds.push(t.iid);
        }
      }
    } finally {
      update.free();
    }
    const before = new Map<number, number>();
    loadClosure(db, seeds, this.namespaces, this.nodes, this.records, before, new Set(freshIds));
    const numbers = restitch(db, this.nodes, this.records, before, () => ++this.maxIid);
    // New identities are written once, already in their graph
    const insert = db.prepare(
      'INSERT INTO identities (iid, ns, value, comp, first_seen, last_seen) VALUES (?,?,?,?,?,?)'
    );
    try {
      for (const t of fresh)
        insert.run([t.iid, t.ns.code, t.value, numbers.get(t.iid) ?? t.iid, t.first, t.last]);
    } finally {
      insert.free();
    }
    for (const n of numbers.values()) this.graphs.add(n);
    // every profile the chunk changed: the graphs it restitched, the numbers they had before (one
    // merged away loses its row), and the profiles its records joined
    const touched = new Set([...numbers.values(), ...before.values()]);
    for (const r of inChunks([...this.keys], (c, m) =>
      all<{ comp: number }>(db, {
        sql: `SELECT DISTINCT comp FROM identities WHERE iid IN (${m})`,
        params: c
      })
    ))
      touched.add(r.comp);
    refreshProfiles(db, touched);
    if (this.snapshots) keepSnapshots(db, this.snapshots, { profiles: touched, fragments: this.keys });
    this.keys.clear();
    this.cache.clear();
    this.nodes.clear();
    this.records.clear();
  }

  /**
   * Profiles the batch produced: of the numbers found chunk by chunk, those still held by a graph (one a
   * later chunk merged away lives on in the number it merged into, which that chunk found).
   */
  /**
   * What the batch did to the profiles, for its report: its records (stored or claimed) that reached a
   * profile that existed before it, and the profiles numbered after it began (new people, and parts of a
   * split). A profile is a graph some profile record is keyed in (../profile/kind.ts).
   */
  profileOutcome(): { recordsMatched: number; profilesCreated: number } {
    const n = (sql: string, params: number[] = []) =>
      Number(one<{ n: number }>(this.db, { sql, params })?.n ?? 0);
    return {
      recordsMatched:
        n(
          `SELECT count(*) AS n FROM records r JOIN identities i ON i.iid = r.fkey
            WHERE r.batch_seq = ? AND i.comp <= ?`,
          [this.seq, this.before]
        ) +
        n(
          `SELECT count(*) AS n FROM record_claims c JOIN records r ON r.rid = c.rid
             JOIN identities i ON i.iid = r.fkey WHERE c.batch_seq = ? AND i.comp <= ?`,
          [this.seq, this.before]
        ),
      profilesCreated: n(
        `SELECT count(*) AS n FROM (SELECT DISTINCT comp FROM identities WHERE comp > ?) c
          WHERE EXISTS (SELECT 1 FROM identities j JOIN records r ON r.fkey = j.iid
                          JOIN datasets d ON d.id = r.dataset_id AND d.profile_enabled = 1
                         WHERE j.comp = c.comp)`,
        [this.before]
      )
    };
  }

  profilesTouched(): number {
    return inChunks([...this.graphs], (c, m) =>
      all<{ n: number }>(this.db, {
        sql: `SELECT count(DISTINCT comp) AS n FROM identities WHERE comp IN (${m})`,
        params: c
      })
    ).reduce((sum, r) => sum + r.n, 0);
  }
}
