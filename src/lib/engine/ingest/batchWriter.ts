// The second stage of ingestion: mapped rows into the database, inside the batch's transaction. Records
// are stored once per occurrence (identical rows in one file are each a record; a row already stored by an
// earlier batch is claimed, not stored again), identities are found or allocated, and each chunk's graphs
// are restitched before the next chunk, so memory holds one chunk's state, not the file's.
import { all, inChunks, one } from '../db/sql';
import type { Database, Statement } from '../db/sqlite';
import { maxNumber } from '../identity/persistentIds';
import { loadClosure, restitch, seenMs, stitchNode } from '../identity/store';
import type { StitchNode, StitchRecord } from '../identity/stitch';
import type { Dataset, Namespace } from '../types';
import { addFacts, carriesPerson, PARTNER_KEY_TYPES, partnerDatasetIds, recordFacts } from '../profile/kind';
import { addToCounts, IDENTITIES, recordsKey } from '../profile/counts';
import {
  currentProfiles,
  growProfiles,
  refreshProfiles,
  type ProfileFacts,
  type ProfileGrowth
} from '../profile/profiles';
import {
  keepSnapshots,
  keepSnapshotsFrom,
  type KeptSnapshots,
  type SnapshotRecord
} from '../segment/snapshot';
import { encodeValues, recordValues } from '../catalog/recordValues';
import { Utf8Blob } from '../db/utf8Blob';
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

/** A row stored before under one hash: its highest occurrence, and the rids this batch may claim. */
interface Occurrences {
  top: number;
  free: number[];
}
/**
 * The rows whose occurrences a batch keeps (the most recently met): one forgotten is read again from
 * the database, which holds the batch's own claims and copies, so forgetting costs a read, never a
 * wrong count. Bounded, so re-ingesting a million-row file does not hold a million of them.
 */
const DUPLICATES_KEPT = 10_000;

/** Adds a record's or a key's facts to its key's or its profile's. */
function addProfileFacts(into: ProfileFacts, more: ProfileFacts): void {
  addFacts(into, more);
  if (more.updated > into.updated) into.updated = more.updated;
}

const tally = (iid: number, ns: Namespace, value: string, isNew: boolean): IdentityTally => ({
  iid,
  ns,
  value,
  isNew,
  first: '',
  last: ''
});

export class BatchWriter {
  private readonly findIdentity: Statement;
  private readonly insertRecord: Statement;
  private readonly insertLink: Statement;
  private readonly statements: Statement[];
  /** The slice's identities by namespace code, then value (no joined key string made per lookup) */
  private readonly cache = new Map<string, Map<string, IdentityTally>>();
  /** The same identities in the order first met: new ones are numbered, and written, in that order */
  private readonly met: IdentityTally[] = [];
  /** Occurrences of the rows this batch met again, by hash (placeDuplicate) */
  private readonly duplicates = new Map<string, Occurrences>();
  private readonly recordParams: (string | number | null | Uint8Array)[] = Array<null>(11).fill(null);
  /** The record's JSON as UTF-8 bytes, which the insert casts back to the same TEXT */
  private readonly blob = new Utf8Blob();
  private readonly nodes = new Map<number, StitchNode>();
  private readonly records = new Map<number, StitchRecord>();
  private readonly graphs = new Set<number>();
  /** The key identities of the chunk's stored records: their profiles are refreshed at its flush. */
  private readonly keys = new Set<number>();
  /**
   * Keys new in this chunk, with the attribute records stored under them: every record such a key has
   * is here, so a profile made only of new identities gets its snapshot row without a read.
   */
  private readonly freshKeys = new Map<number, SnapshotRecord[]>();
  /** What the chunk's stored records say about who their profiles are, by key (../profile/kind.ts). */
  private readonly keyFacts = new Map<number, ProfileFacts>();
  /** Whether this dataset is partner data: its labels cannot change while the batch holds the queue. */
  private readonly partner: boolean;
  /** Brought up to date before the first record, then kept at every flush: nothing to rebuild after. */
  private snapshots: KeptSnapshots | null = null;
  /** Records stored keyed by an identity outside the graphs that existed before the batch. */
  private keyedOutsideGraphs = 0;
  /** Records stored since the last flush, which adds them to the dataset's count. */
  private storedSinceFlush = 0;
  // identities and profiles draw from one sequence: a profile number never names another's identity
  private maxIid: number;
  private maxRid: number;
  /** Every number at or below it named an identity or a profile before this batch. */
  private readonly before: number;
  /** Every record at or below it was stored before this batch. */
  private readonly ridBefore: number;

  constructor(
    private readonly db: Database,
    private readonly namespaces: Map<string, Namespace>,
    private readonly dataset: Dataset,
    /** The dataset's field paths, in the order its records store their values (../catalog/recordValues.ts) */
    private readonly paths: readonly string[],
    /** Whether the records carry profile attributes (a profile schema) or are events */
    private readonly attributes: boolean,
    private readonly seq: number
  ) {
    this.maxIid = this.before = maxNumber(db);
    this.maxRid = this.ridBefore = Number(
      one<{ m: number }>(db, { sql: 'SELECT coalesce(max(rid), 0) AS m FROM records' })!.m
    );
    this.partner = partnerDatasetIds(db).includes(dataset.id);
    this.statements = [
      (this.findIdentity = db.prepare('SELECT iid FROM identities WHERE ns = ? AND value = ?')),
      (this.insertRecord = db.prepare(
        `INSERT OR IGNORE INTO records (rid, dataset_id, batch_seq, row, ts, fkey, ids, hash, data, occurrence, person)
         VALUES (?,?,?,?,?,?,?,?,CAST(? AS TEXT),?,?)`
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
    const values = recordValues(this.paths, m.attrs);
    const data = encodeValues(values);
    const hash = recordHash(data);
    // A dataset outside the profile store keeps its records and adds no identity to any graph
    const found: IdentityTally[] = [];
    let key: IdentityTally | undefined;
    let ids = '';
    let linking: number[] | null = null;
    let person = 0;
    if (this.dataset.profileEnabled) {
      for (const c of m.identities) {
        const t = this.identityOf(c.ns, c.value);
        found.push(t);
        if (c === m.key) key = t;
        if (c.ns.linksRecords) (linking ??= []).push(t.iid);
        if (!person && carriesPerson([c.ns.type])) person = 1;
      }
      if (linking) ids = linking.join(',');
    }
    const params = this.recordParams;
    params[0] = ++this.maxRid;
    params[1] = this.dataset.id;
    params[2] = this.seq;
    params[3] = m.row;
    params[4] = m.ts;
    params[5] = key?.iid ?? null;
    params[6] = ids;
    params[7] = hash;
    params[8] = this.blob.of(data);
    params[9] = 1;
    params[10] = person;
    this.insertRecord.run(params);
    if (this.db.getRowsModified() === 0) {
      this.maxRid--;
      const placed = this.placeDuplicate(hash, m.row);
      if (placed === 'claimed') return 'claimed';
      params[0] = ++this.maxRid;
      params[9] = placed;
      this.insertRecord.run(params);
    }
    this.storedSinceFlush++;
    if (key) {
      this.keys.add(key.iid);
      this.keepFacts(key, m.ts, person === 1);
      if (key.isNew) this.keepFresh(key.iid, values, m.ts);
    }
    // keyed by an id outside the graphs (a partner id) that was there before: it joined that profile
    if (key && !key.ns.linksRecords && key.iid <= this.before) this.keyedOutsideGraphs++;
    for (const t of found) {
      this.touch(t, m.ts);
      this.insertLink.run([t.iid, this.maxRid]);
    }
    if (linking) this.records.set(this.maxRid, { rid: this.maxRid, ts: m.ts, ids: linking });
    return 'stored';
  }

  private keepFacts(key: IdentityTally, ts: string, person: boolean): void {
    const facts = {
      ...recordFacts({
        person,
        partner: this.partner,
        keyedByPartner: PARTNER_KEY_TYPES.includes(key.ns.type)
      }),
      updated: ts
    };
    const had = this.keyFacts.get(key.iid);
    if (had) addProfileFacts(had, facts);
    else this.keyFacts.set(key.iid, facts);
  }

  private keepFresh(iid: number, data: readonly unknown[], ts: string): void {
    let group = this.freshKeys.get(iid);
    if (!group) this.freshKeys.set(iid, (group = []));
    // an event record makes its profile exist but brings no attributes
    if (this.attributes)
      group.push({ rid: this.maxRid, ts, data, dataset: this.dataset.name, paths: this.paths });
  }

  /**
   * A row identical to a stored record: this batch claims the first occurrence it does not hold yet
   * (re-ingesting a file changes nothing), or, holding them all, it is one more occurrence to store.
   * Returns 'claimed' or the occurrence number to store it under.
   */
  private placeDuplicate(hash: string, row: number): 'claimed' | number {
    // the occurrences of a row are read once, then kept as this batch claims and adds them: read
    // again for every copy, a file of N identical rows read N²/2 of them (16,000 copies took 79 s)
    let held = this.duplicates.get(hash);
    if (held) this.duplicates.delete(hash);
    else held = this.readOccurrences(hash);
    this.duplicates.set(hash, held);
    if (this.duplicates.size > DUPLICATES_KEPT) this.duplicates.delete(this.duplicates.keys().next().value!);
    const free = held.free.shift();
    if (free !== undefined) {
      this.db.run('INSERT INTO record_claims (batch_seq, rid, row) VALUES (?, ?, ?)', [this.seq, free, row]);
      return 'claimed';
    }
    return ++held.top;
  }

  /** A stored row's occurrences: the highest, and those of earlier batches this one has not claimed. */
  private readOccurrences(hash: string): Occurrences {
    const held = all<{ rid: number; occurrence: number; mine: number }>(this.db, {
      sql: `SELECT r.rid, r.occurrence, (r.batch_seq = :seq OR EXISTS (
                SELECT 1 FROM record_claims c WHERE c.batch_seq = :seq AND c.rid = r.rid)) AS mine
              FROM records r WHERE r.dataset_id = :ds AND r.hash = :hash ORDER BY r.occurrence`,
      params: { ':seq': this.seq, ':ds': this.dataset.id, ':hash': hash }
    });
    return {
      top: Math.max(0, ...held.map((h) => h.occurrence)),
      free: held.filter((h) => !h.mine).map((h) => h.rid)
    };
  }

  private identityOf(ns: Namespace, value: string): IdentityTally {
    let inNs = this.cache.get(ns.code);
    if (!inNs) this.cache.set(ns.code, (inNs = new Map<string, IdentityTally>()));
    let t = inNs.get(value);
    if (!t) {
      this.findIdentity.bind([ns.code, value]);
      const found = this.findIdentity.step() ? Number(this.findIdentity.get()[0]) : undefined;
      this.findIdentity.reset();
      t = found ? tally(found, ns, value, false) : tally(++this.maxIid, ns, value, true);
      inNs.set(value, t);
      this.met.push(t);
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
      for (const t of this.met) {
        if (!t.last) continue; // only in records this dataset already had: nothing about it changed
        if (t.isNew) {
          fresh.push(t);
          freshIds.add(t.iid);
        } else {
          update.run([seenMs(t.first), seenMs(t.last), t.iid]);
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
        insert.run([t.iid, t.ns.code, t.value, numbers.get(t.iid) ?? t.iid, seenMs(t.first), seenMs(t.last)]);
    } finally {
      insert.free();
    }
    // a number the restitch took from every identity that had it (merged away) names no graph now
    const now = new Set(numbers.values());
    for (const n of before.values()) if (!now.has(n)) this.graphs.delete(n);
    for (const n of now) this.graphs.add(n);
    addToCounts(
      db,
      new Map([
        [recordsKey(this.dataset.id), this.storedSinceFlush],
        [IDENTITIES, fresh.length]
      ])
    );
    this.storedSinceFlush = 0;
    // every profile the chunk changed: the graphs it restitched, the numbers they had before (one
    // merged away loses its row), and the profiles its records joined
    const touched = new Set([...numbers.values(), ...before.values()]);
    // a key the restitch numbered is known, and so is one outside the graphs new in this chunk (a
    // partner id: a profile of its own, numbered by itself); the others (keys outside the graphs that
    // earlier chunks or batches stored) are read
    const unnumbered: number[] = [];
    for (const k of this.keys) {
      const n = this.profileOfKey(k, numbers);
      if (n === undefined) unnumbered.push(k);
      else touched.add(n);
    }
    const read = new Set<number>();
    for (const r of inChunks(unnumbered, (c, m) =>
      all<{ comp: number }>(db, {
        sql: `SELECT DISTINCT comp FROM identities WHERE iid IN (${m})`,
        params: c
      })
    ))
      read.add(r.comp);
    for (const p of read) touched.add(p);
    // a profile that only grew or merged gets its row from the rows it replaces and the chunk's records
    const written = growProfiles(db, this.grownProfiles(numbers, before, read));
    refreshProfiles(
      db,
      [...touched].filter((p) => !written.has(p))
    );
    if (this.snapshots)
      keepSnapshots(
        db,
        this.snapshots,
        { profiles: touched, fragments: this.keys },
        this.freshRows(numbers, before)
      );
    this.keys.clear();
    this.freshKeys.clear();
    this.keyFacts.clear();
    this.cache.clear();
    this.met.length = 0;
    this.nodes.clear();
    this.records.clear();
  }

  /**
   * The profiles and fragments of this chunk that no identity stored before it belongs to, with their
   * records. A new graph's number is new too (../identity/persistentIds.ts), so no row holds it yet.
   */
  private freshRows(numbers: Map<number, number>, before: Map<number, number>) {
    const profiles = new Map<number, SnapshotRecord[]>();
    const old = new Set<number>();
    for (const [iid, pno] of numbers) {
      if (before.has(iid)) {
        old.add(pno);
        continue;
      }
      const group = this.freshKeys.get(iid);
      if (!group) continue;
      const list = profiles.get(pno);
      if (list) list.push(...group);
      else profiles.set(pno, [...group]);
    }
    for (const p of old) profiles.delete(p);
    // a new key outside the graphs (a partner id) is a profile of its own, numbered by itself
    for (const [iid, group] of this.freshKeys) if (!numbers.has(iid)) profiles.set(iid, group);
    return { profiles, fragments: this.freshKeys };
  }

  /**
   * The profile a key of this chunk's records is in, when the chunk knows it without a read: the
   * number the restitch gave it, or, outside the graphs, its own number if it is new in this chunk.
   */
  private profileOfKey(key: number, numbers: Map<number, number>): number | undefined {
    return numbers.get(key) ?? (this.freshKeys.has(key) ? key : undefined);
  }

  /**
   * The chunk's profiles whose records are the records of the profiles they were plus records of this
   * chunk: new graphs, graphs that grew, graphs that merged. Not a graph with an identity of a profile
   * that split (some of its identities numbered elsewhere, or not restitched), nor a profile whose
   * number was read from storage (`read`: keys outside the graphs, whose records the chunk may not hold).
   */
  private grownProfiles(
    numbers: Map<number, number>,
    before: Map<number, number>,
    read: Set<number>
  ): Map<number, ProfileGrowth> {
    // each old number, and the one number all its identities have now (-1: not one)
    const into = new Map<number, number>();
    for (const [iid, q] of before) {
      const p = numbers.get(iid) ?? -1;
      const had = into.get(q);
      into.set(q, had === undefined || had === p ? p : -1);
    }
    const grown = new Map<number, ProfileGrowth & { from: number[] }>();
    const split = new Set<number>(read);
    // a number that split, and every number its identities have now: each has a part of its records
    for (const [iid, q] of before)
      if (into.get(q) === -1) {
        split.add(q);
        const p = numbers.get(iid);
        if (p !== undefined) split.add(p);
      }
    for (const [q, p] of into) {
      if (p === -1) continue;
      const g = grown.get(p);
      if (g) g.from.push(q);
      else grown.set(p, { from: [q], added: undefined });
    }
    for (const p of numbers.values()) if (!grown.has(p)) grown.set(p, { from: [], added: undefined });
    for (const [key, facts] of this.keyFacts) {
      const p = this.profileOfKey(key, numbers);
      if (p === undefined) continue;
      let g = grown.get(p);
      if (!g) grown.set(p, (g = { from: [], added: undefined }));
      if (!g.added) g.added = { ...facts };
      else addProfileFacts(g.added, facts);
    }
    for (const p of split) grown.delete(p);
    return grown;
  }

  /**
   * What the batch did to the profiles, for its report: its records (stored or claimed) that reached a
   * profile that existed before it, and the profiles numbered after it began (new people, and parts of a
   * split). A profile is a graph some profile record is keyed in (../profile/kind.ts), which is what
   * the profiles table holds.
   */
  profileOutcome(): { recordsMatched: number; profilesCreated: number } {
    const n = (sql: string, params: number[]) => Number(one<{ n: number }>(this.db, { sql, params })?.n ?? 0);
    // A stored record keyed in a graph ends in one the batch restitched: walk from the old profiles among
    // those when they are few (a first load), else over the batch's own records, the rids it gave
    const old = [...this.graphs].filter((p) => p <= this.before);
    const inGraphs =
      old.length * 8 < this.maxRid - this.ridBefore
        ? inChunks(old, (c, m) =>
            all<{ n: number }>(this.db, {
              sql: `SELECT count(*) AS n FROM identities i CROSS JOIN records r ON r.fkey = i.iid
                     WHERE i.comp IN (${m}) AND r.rid > ?`,
              params: [...c, this.ridBefore]
            })
          ).reduce((sum, r) => sum + Number(r.n), 0)
        : n(
            'SELECT count(*) AS n FROM records r JOIN identities i ON i.iid = r.fkey WHERE r.rid > ? AND i.comp <= ?',
            [this.ridBefore, this.before]
          ) - this.keyedOutsideGraphs;
    const stored = inGraphs + this.keyedOutsideGraphs;
    const claimed = n(
      `SELECT count(*) AS n FROM record_claims c JOIN records r ON r.rid = c.rid
         JOIN identities i ON i.iid = r.fkey WHERE c.batch_seq = ? AND i.comp <= ?`,
      [this.seq, this.before]
    );
    currentProfiles(this.db);
    const created = n('SELECT count(*) AS n FROM profiles WHERE pno > ?', [this.before]);
    return { recordsMatched: stored + claimed, profilesCreated: created };
  }

  /** The graphs the batch restitched that are still graphs: one merged away counts in its survivor. */
  profilesTouched(): number {
    return this.graphs.size;
  }
}
