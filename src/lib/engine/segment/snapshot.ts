// The profile snapshot audiences are evaluated on: one row per profile and merge policy, one typed
// column per profile attribute (seg_profiles), merged in the order ../profile/assemble.ts merges in
// (mergeOrder). Rules then scan plain columns, not JSON. Ingest keeps it current slice by slice
// (keepSnapshots), so the first evaluation after an upload rebuilds nothing; otherwise it is brought up
// to date before each evaluation: only the profiles that records ingested since (or graph changes
// logged in profile_changes) touched are rebuilt; a deleted batch rebuilds it whole.
import type { Database, Statement } from '../db/sqlite';
import { all, one, run } from '../db/sql';
import { FieldPicker, recordLayouts } from '../catalog/recordValues';
import { mergeOrder } from '../profile/assemble';
import { listMergePolicies } from '../profile/mergePolicies';
import type { FieldDef, MergePolicy, SchemaDef } from '../types';

export interface SnapshotColumn {
  path: string;
  column: string;
  type: FieldDef['type'];
}

/** A full rebuild beats an incremental one past this many touched profiles. */
const INCREMENTAL_LIMIT = 20_000;

/**
 * Distinct profile field paths a sandbox may hold (../catalog/schemas.ts refuses a schema past it).
 * Each is a column of seg_profiles, and SQLite allows 2,000 columns in a table or an INSERT; 1,000
 * leaves room and is far past any real profile.
 */
export const MAX_PROFILE_ATTRIBUTES = 1_000;

/**
 * One column per profile attribute path of any profile schema, added as schemas appear. A sandbox
 * file made elsewhere may define more paths than the limit: those past it get no column (a rule
 * cannot read them), so audiences and lookups keep working rather than failing on every call.
 */
export function snapshotColumns(db: Database): SnapshotColumn[] {
  const have = new Map(
    all<{ path: string; col: string; type: FieldDef['type'] }>(db, {
      sql: 'SELECT * FROM seg_columns ORDER BY rowid'
    }).map((r) => [r.path, { path: r.path, column: r.col, type: r.type }])
  );
  const defs = all<{ def: string }>(db, {
    sql: "SELECT def FROM schemas WHERE class = 'profile' ORDER BY rowid"
  });
  for (const { def } of defs) {
    for (const f of (JSON.parse(def) as SchemaDef).fields) {
      if (have.has(f.path) || have.size >= MAX_PROFILE_ATTRIBUTES) continue;
      const column = `a${have.size + 1}`;
      const affinity =
        f.type === 'number' ? 'REAL' : f.type === 'integer' || f.type === 'boolean' ? 'INTEGER' : 'TEXT';
      run(db, { sql: `ALTER TABLE seg_profiles ADD COLUMN "${column}" ${affinity}` });
      run(db, {
        sql: 'INSERT INTO seg_columns (path, col, type) VALUES (?, ?, ?)',
        params: [f.path, column, f.type]
      });
      have.set(f.path, { path: f.path, column, type: f.type });
    }
  }
  return [...have.values()];
}

/** Brings the policy's snapshot (with the given snapshotColumns) up to date with the records and graphs. */
export function refreshSnapshot(db: Database, policy: MergePolicy, columns: SnapshotColumn[]): void {
  const maxRid = Number(one<{ m: number }>(db, { sql: 'SELECT coalesce(max(rid), 0) AS m FROM records' })!.m);
  const maxChange = Number(
    one<{ m: number }>(db, { sql: 'SELECT coalesce(max(seq), 0) AS m FROM profile_changes' })!.m
  );
  const state = one<{ max_rid: number; max_change: number }>(db, {
    sql: 'SELECT max_rid, max_change FROM seg_state WHERE policy = ?',
    params: [policy.id]
  });
  if (state && state.max_rid === maxRid && state.max_change === maxChange) return;

  const graph = policy.stitching !== 'none';
  let dirty: number[] | null = null;
  if (state) {
    dirty = all<{ pid: number }>(db, {
      sql: graph
        ? `SELECT i.comp AS pid FROM records r JOIN identities i ON i.iid = r.fkey WHERE r.rid > :rid
           UNION SELECT pno FROM profile_changes WHERE seq > :change`
        : 'SELECT DISTINCT fkey AS pid FROM records WHERE rid > :rid AND fkey IS NOT NULL',
      params: graph ? { ':rid': state.max_rid, ':change': state.max_change } : { ':rid': state.max_rid }
    }).map((r) => r.pid);
    if (dirty.length > INCREMENTAL_LIMIT) dirty = null;
  }

  if (dirty) rewriteRows(db, policy, columns, dirty);
  else {
    run(db, { sql: 'DELETE FROM seg_profiles WHERE policy = ?', params: [policy.id] });
    writeProfiles(
      db,
      policy,
      columns,
      graph ? 'identities i CROSS JOIN records r ON r.fkey = i.iid' : 'records r',
      graph
    );
  }
  run(db, {
    sql: `INSERT INTO seg_state (policy, max_rid, max_change) VALUES (?, ?, ?)
          ON CONFLICT (policy) DO UPDATE SET max_rid = excluded.max_rid, max_change = excluded.max_change`,
    params: [policy.id, maxRid, maxChange]
  });
  // graph changes every snapshot has seen are no longer needed
  run(db, { sql: 'DELETE FROM profile_changes WHERE seq <= (SELECT min(max_change) FROM seg_state)' });
}

/**
 * Rebuilds the rows of some profiles from their records as they are now. A row is exact on its own,
 * so a profile page can rebuild just its profile without bringing the whole snapshot up to date.
 */
export function rewriteRows(
  db: Database,
  policy: MergePolicy,
  columns: SnapshotColumn[],
  pids: number[]
): void {
  run(db, { sql: 'CREATE TEMP TABLE IF NOT EXISTS seg_dirty (pid INTEGER PRIMARY KEY)' });
  run(db, { sql: 'DELETE FROM temp.seg_dirty' });
  const add = db.prepare('INSERT OR IGNORE INTO temp.seg_dirty (pid) VALUES (?)');
  try {
    for (const pid of pids) add.run([pid]);
  } finally {
    add.free();
  }
  run(db, {
    sql: 'DELETE FROM seg_profiles WHERE policy = ? AND pid IN (SELECT pid FROM temp.seg_dirty)',
    params: [policy.id]
  });
  const graph = policy.stitching !== 'none';
  writeProfiles(
    db,
    policy,
    columns,
    graph
      ? 'temp.seg_dirty dd CROSS JOIN identities i ON i.comp = dd.pid CROSS JOIN records r ON r.fkey = i.iid'
      : 'temp.seg_dirty dd CROSS JOIN records r ON r.fkey = dd.pid',
    graph
  );
}

/** A record as a snapshot row reads it: what mergeOrder sorts by, and its values with their paths. */
export interface SnapshotRecord {
  rid: number;
  ts: string;
  /** records.data, or the values the writer encoded it from (so it is not parsed again) */
  data: string | readonly unknown[];
  dataset: string;
  paths: readonly string[];
}

/** Writes snapshot rows, each merged from its profile's attribute records in the policy's order. */
class RowWriter {
  private readonly insert: Statement;
  private readonly order: ReturnType<typeof mergeOrder>;
  private readonly picker: FieldPicker;
  private readonly params: (string | number | null)[] = [];

  constructor(
    db: Database,
    private readonly policy: MergePolicy,
    private readonly columns: SnapshotColumn[]
  ) {
    this.insert = db.prepare(
      `INSERT INTO seg_profiles (policy, pid${columns.map((c) => `, "${c.column}"`).join('')})
       VALUES (?, ?${', ?'.repeat(columns.length)})`
    );
    this.order = mergeOrder(policy);
    this.picker = new FieldPicker(columns.map((c) => c.path));
  }

  write(pid: number, group: SnapshotRecord[]): void {
    if (group.length > 1) group.sort(this.order);
    // the last record in merge order that has a value for a column gives it
    const values: unknown[] = new Array<unknown>(this.columns.length);
    let missing = this.columns.length;
    for (let i = group.length - 1; i >= 0 && missing > 0; i--)
      missing -= this.picker.fill(group[i].paths, group[i].data, values);
    const { params } = this;
    params[0] = this.policy.id;
    params[1] = pid;
    // written in place: the array keeps one length, so no row grows it again
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      params[i + 2] =
        typeof v === 'boolean' ? Number(v) : typeof v === 'number' || typeof v === 'string' ? v : null;
    }
    this.insert.run(params);
  }

  free(): void {
    this.insert.free();
  }
}

/**
 * Streams the records of the profiles in `source` (its joins written CROSS JOIN, so SQLite walks from
 * the profiles to their records instead of scanning every record), a profile at a time,
 * merges each profile's attribute records in the policy's order and writes its row.
 */
function writeProfiles(
  db: Database,
  policy: MergePolicy,
  columns: SnapshotColumn[],
  source: string,
  graph: boolean
): void {
  const pid = graph ? 'i.comp' : 'r.fkey';
  const read = db.prepare(
    `SELECT ${pid} AS pid, r.rid, r.ts, r.data, s.class, d.name AS dataset, d.id
       FROM ${source} JOIN datasets d ON d.id = r.dataset_id AND d.profile_enabled = 1
       JOIN schemas s ON s.id = d.schema_id
      WHERE r.fkey IS NOT NULL ORDER BY ${pid}`
  );
  const rows = new RowWriter(db, policy, columns);
  const layouts = recordLayouts(db);
  let current: number | null = null;
  let group: SnapshotRecord[] = [];
  try {
    while (read.step()) {
      const [p, rid, ts, data, cls, dataset, datasetId] = read.get() as [
        number,
        number,
        string,
        string,
        string,
        string,
        string
      ];
      if (p !== current) {
        if (current !== null) rows.write(current, group);
        current = p;
        group = [];
      }
      // event records make a profile (an anonymous visitor) but carry no attributes
      if (cls === 'profile') group.push({ rid, ts, data, dataset, paths: layouts.get(datasetId) ?? [] });
    }
    if (current !== null) rows.write(current, group);
  } finally {
    read.free();
    rows.free();
  }
}

/** The snapshots a batch keeps current as it writes, and the columns they have. */
export interface KeptSnapshots {
  policies: MergePolicy[];
  columns: SnapshotColumn[];
}

/**
 * Starts keeping, for a batch, the snapshots of the default policy and of every policy evaluated
 * before (those with a state), each brought up to date first — so each slice's rewrite leaves it exact.
 */
export function keepSnapshotsFrom(db: Database): KeptSnapshots {
  const columns = snapshotColumns(db);
  const evaluated = new Set(
    all<{ policy: string }>(db, { sql: 'SELECT policy FROM seg_state' }).map((r) => r.policy)
  );
  const policies = listMergePolicies(db).filter((p) => p.isDefault || evaluated.has(p.id));
  for (const p of policies) refreshSnapshot(db, p, columns);
  return { policies, columns };
}

/**
 * Profiles a slice made whole, with their records: none of their records is stored yet as far as the
 * snapshot knows, so their rows are written from these without reading a record back.
 */
export interface FreshRows {
  /** Graph number -> its records (the records keyed by its identities), for stitching policies */
  profiles: ReadonlyMap<number, SnapshotRecord[]>;
  /** Fragment key -> its records, for policies without stitching */
  fragments: ReadonlyMap<number, SnapshotRecord[]>;
}

/**
 * After a slice of records is written and stitched: the rows of the profiles it touched (graph numbers,
 * for stitching policies) and of the fragments its records are keyed by (for policies without
 * stitching) are rewritten, and the kept snapshots are current again. Touched profiles that are in
 * `fresh` had no row and get theirs from the records given there.
 */
export function keepSnapshots(
  db: Database,
  kept: KeptSnapshots,
  touched: { profiles: Iterable<number>; fragments: Iterable<number> },
  fresh: FreshRows = { profiles: new Map(), fragments: new Map() }
): void {
  if (!kept.policies.length) return;
  const profiles = [...touched.profiles].filter((p) => !fresh.profiles.has(p));
  const fragments = [...touched.fragments].filter((f) => !fresh.fragments.has(f));
  for (const policy of kept.policies) {
    const none = policy.stitching === 'none';
    const pids = none ? fragments : profiles;
    if (pids.length) rewriteRows(db, policy, kept.columns, pids);
    const made = none ? fresh.fragments : fresh.profiles;
    if (!made.size) continue;
    const rows = new RowWriter(db, policy, kept.columns);
    try {
      for (const [pid, group] of made) rows.write(pid, [...group]);
    } finally {
      rows.free();
    }
  }
  const ids = kept.policies.map((p) => p.id);
  run(db, {
    sql: `UPDATE seg_state SET max_rid = (SELECT coalesce(max(rid), 0) FROM records),
            max_change = (SELECT coalesce(max(seq), 0) FROM profile_changes)
          WHERE policy IN (${ids.map(() => '?').join(', ')})`,
    params: ids
  });
  run(db, { sql: 'DELETE FROM profile_changes WHERE seq <= (SELECT min(max_change) FROM seg_state)' });
}

/** Called when records leave (a deleted batch): every snapshot is rebuilt on its next use. */
export function invalidateSnapshots(db: Database): void {
  run(db, { sql: 'DELETE FROM seg_state' });
}

/** Records which profile numbers a restitch changed, while any snapshot exists to update. */
export function logProfileChanges(db: Database, pnos: Iterable<number>): void {
  if (!one(db, { sql: 'SELECT 1 FROM seg_state LIMIT 1' })) return;
  const add = db.prepare('INSERT INTO profile_changes (pno) VALUES (?)');
  try {
    for (const p of new Set(pnos)) add.run([p]);
  } finally {
    add.free();
  }
}
