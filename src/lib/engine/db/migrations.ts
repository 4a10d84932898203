import { decodeRecord, encodeRecord, recordLayouts } from '../catalog/recordValues';
import { recordHash } from '../ingest/hash';
import { all } from './sql';
import type { Database } from './sqlite';

const RECORDS_A_STEP = 5_000;

/**
 * Format 11, rows made compact so a million of them fit in a sandbox (docs/PERFORMANCE.md):
 * - records.data from an object keyed by field path to the values in schema field order
 *   (../catalog/recordValues.ts), each hash made anew from the new text, so a file stored before is still
 *   found identical. Values that differed only in key order (the same row from two files with their
 *   columns in another order) now share a hash: their occurrences are numbered again, and both stay. A
 *   record holding a key its schema lacks (only a hand-made file can) keeps its object, which reads as it is.
 * - identities.first_seen/last_seen from ISO text to milliseconds (../identity/store.ts seenMs).
 */
function compactRows(db: Database): void {
  db.run('DROP INDEX records_dedupe');
  const layouts = recordLayouts(db);
  const write = db.prepare('UPDATE records SET data = ?, hash = ? WHERE rid = ?');
  try {
    for (let after = 0; ;) {
      const rows = all<{ rid: number; dataset_id: string; data: unknown }>(db, {
        sql: 'SELECT rid, dataset_id, data FROM records WHERE rid > ? ORDER BY rid LIMIT ?',
        params: [after, RECORDS_A_STEP]
      });
      if (!rows.length) break;
      after = rows[rows.length - 1].rid;
      for (const r of rows) {
        const paths = layouts.get(r.dataset_id);
        if (!paths || typeof r.data !== 'string' || !r.data.startsWith('{')) continue;
        let data: string;
        try {
          data = encodeRecord(paths, decodeRecord(paths, r.data));
        } catch {
          continue;
        }
        write.run([data, recordHash(data), r.rid]);
      }
    }
  } finally {
    write.free();
  }
  db.run(`
    WITH o AS (SELECT rid, row_number() OVER (PARTITION BY dataset_id, hash ORDER BY rid) AS n FROM records)
    UPDATE records SET occurrence = o.n FROM o WHERE o.rid = records.rid AND records.occurrence != o.n;
    CREATE UNIQUE INDEX records_dedupe ON records(dataset_id, hash, occurrence);
    ALTER TABLE identities RENAME TO identities_text;
    CREATE TABLE identities (
      iid INTEGER PRIMARY KEY, ns TEXT NOT NULL, value TEXT NOT NULL, comp INTEGER NOT NULL,
      first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, UNIQUE (ns, value));
    INSERT INTO identities (iid, ns, value, comp, first_seen, last_seen)
      SELECT iid, ns, value, comp, coalesce(CAST(round(unixepoch(first_seen, 'subsec') * 1000) AS INTEGER), 0),
             coalesce(CAST(round(unixepoch(last_seen, 'subsec') * 1000) AS INTEGER), 0)
        FROM identities_text ORDER BY iid;
    DROP TABLE identities_text;
    CREATE INDEX identities_comp ON identities(comp);`);
}

// Keyed by PRAGMA user_version: migration i takes a database from version i to i + 1.
const MIGRATIONS: (string | ((db: Database) => void))[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE namespaces (
    code TEXT PRIMARY KEY COLLATE NOCASE, name TEXT NOT NULL, type TEXT NOT NULL,
    is_unique INTEGER NOT NULL, priority INTEGER NOT NULL, standard INTEGER NOT NULL,
    description TEXT NOT NULL DEFAULT '');
  CREATE TABLE schemas (
    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE, class TEXT NOT NULL,
    def TEXT NOT NULL, created_at TEXT NOT NULL);
  CREATE TABLE datasets (
    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    schema_id TEXT NOT NULL REFERENCES schemas(id), profile_enabled INTEGER NOT NULL,
    created_at TEXT NOT NULL);
  CREATE TABLE batches (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, dataset_id TEXT NOT NULL REFERENCES datasets(id),
    status TEXT NOT NULL, rows_read INTEGER NOT NULL, rows_ingested INTEGER NOT NULL,
    rows_failed INTEGER NOT NULL, errors TEXT NOT NULL, warnings TEXT NOT NULL, file_name TEXT NOT NULL,
    format TEXT NOT NULL, bytes INTEGER NOT NULL, started_at TEXT NOT NULL, finished_at TEXT NOT NULL,
    profiles_touched INTEGER NOT NULL DEFAULT 0);
  -- One row per identity value; comp is the number of its graph's profile (../identity/persistentIds.ts).
  -- was_root (format 3 and before) became profile_ids in format 4.
  CREATE TABLE identities (
    iid INTEGER PRIMARY KEY, ns TEXT NOT NULL, value TEXT NOT NULL, comp INTEGER NOT NULL,
    first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, was_root INTEGER NOT NULL DEFAULT 0,
    UNIQUE (ns, value));
  CREATE INDEX identities_comp ON identities(comp);
  -- fkey: the identity that keys the record's fragment (its primary identity, else the best usable one).
  -- ids: every identity of the record, comma separated, in-graph or not.
  CREATE TABLE records (
    rid INTEGER PRIMARY KEY, dataset_id TEXT NOT NULL, batch_seq INTEGER NOT NULL, row INTEGER NOT NULL,
    ts TEXT NOT NULL, fkey INTEGER, ids TEXT NOT NULL, hash TEXT NOT NULL, data TEXT NOT NULL);
  CREATE INDEX records_fkey ON records(fkey);
  CREATE INDEX records_batch ON records(batch_seq);
  CREATE UNIQUE INDEX records_dedupe ON records(dataset_id, hash);
  CREATE TABLE record_identities (iid INTEGER NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (iid, rid))
    WITHOUT ROWID;
  `,
  // A record's identities are read by record (profile assembly, explanations, batch deletion): without
  // this index each profile lookup scanned every link in the sandbox.
  `CREATE INDEX record_identities_rid ON record_identities(rid, iid);`,
  // Merge policies (how fragments become a profile) and calculated attributes (aggregates of a
  // profile's events); every sandbox has one default policy, the timestamp-ordered private graph.
  `
  CREATE TABLE merge_policies (
    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE, def TEXT NOT NULL,
    is_default INTEGER NOT NULL, created_at TEXT NOT NULL);
  INSERT INTO merge_policies VALUES ('mp_default', 'Default timestamp-ordered',
    '{"attributeMerge":"timestamp","datasetOrder":[],"stitching":"privateGraph"}', 1,
    strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
  CREATE TABLE calculated_attributes (
    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE, def TEXT NOT NULL, created_at TEXT NOT NULL);
  `,
  // Profile numbers apart from identities, so a profile keeps its id when the graph limit evicts the
  // identity that named it. Only exceptions to "home = pno, not merged" are stored.
  `
  CREATE TABLE profile_ids (pno INTEGER PRIMARY KEY, home INTEGER NOT NULL, merged_into INTEGER);
  CREATE INDEX profile_ids_home ON profile_ids(home);
  CREATE INDEX profile_ids_merged ON profile_ids(merged_into) WHERE merged_into IS NOT NULL;
  INSERT INTO profile_ids (pno, home, merged_into)
    SELECT iid, iid, comp FROM identities WHERE was_root = 1 AND comp != iid;
  ALTER TABLE identities DROP COLUMN was_root;
  `,
  // Audiences, and the profile snapshot they are evaluated on (../segment/snapshot.ts): seg_profiles
  // gains a typed column per profile attribute (seg_columns) as schemas appear.
  `
  CREATE TABLE audiences (
    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE, rule TEXT NOT NULL,
    merge_policy TEXT NOT NULL REFERENCES merge_policies(id), description TEXT NOT NULL,
    created_at TEXT NOT NULL);
  CREATE TABLE seg_columns (path TEXT PRIMARY KEY, col TEXT NOT NULL UNIQUE, type TEXT NOT NULL);
  CREATE TABLE seg_profiles (policy TEXT NOT NULL, pid INTEGER NOT NULL, PRIMARY KEY (policy, pid))
    WITHOUT ROWID;
  CREATE TABLE seg_state (policy TEXT PRIMARY KEY, max_rid INTEGER NOT NULL, max_change INTEGER NOT NULL);
  CREATE TABLE profile_changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, pno INTEGER NOT NULL);
  `,
  // Identical rows are one record per occurrence: two identical purchases in one file are two records,
  // and re-ingesting the file finds both already stored. A record belongs to the batch that first stored
  // it (records.batch_seq); a later batch that holds it too is a claim, so deleting the first batch
  // leaves the record to the later one (../ingest/deleteBatch.ts).
  `
  ALTER TABLE records ADD COLUMN occurrence INTEGER NOT NULL DEFAULT 1;
  DROP INDEX records_dedupe;
  CREATE UNIQUE INDEX records_dedupe ON records(dataset_id, hash, occurrence);
  CREATE TABLE record_claims (
    batch_seq INTEGER NOT NULL, rid INTEGER NOT NULL, row INTEGER NOT NULL, PRIMARY KEY (batch_seq, rid))
    WITHOUT ROWID;
  CREATE INDEX record_claims_rid ON record_claims(rid);
  ALTER TABLE batches ADD COLUMN rows_already_stored INTEGER NOT NULL DEFAULT 0;
  `,
  // Governance and activation (../governance/, ../activation/): custom labels and marketing actions,
  // labels on datasets (inherited by their fields), data-usage policies, the marketing actions each
  // destination carries when changed from its defaults, saved activations (destination, audiences,
  // mapping, schedule), every run with its files, and the members each (destination, audience) last
  // received, which an incremental run compares against.
  `
  ALTER TABLE datasets ADD COLUMN labels TEXT NOT NULL DEFAULT '[]';
  CREATE TABLE custom_labels (
    id TEXT PRIMARY KEY COLLATE NOCASE, name TEXT NOT NULL, description TEXT NOT NULL, created_at TEXT NOT NULL);
  CREATE TABLE custom_marketing_actions (
    id TEXT PRIMARY KEY COLLATE NOCASE, name TEXT NOT NULL, description TEXT NOT NULL, created_at TEXT NOT NULL);
  CREATE TABLE policies (
    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE, description TEXT NOT NULL,
    marketing_action TEXT NOT NULL, deny TEXT NOT NULL, enabled INTEGER NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
  CREATE TABLE destination_settings (destination TEXT PRIMARY KEY, marketing_actions TEXT NOT NULL);
  CREATE TABLE activation_flows (
    id TEXT PRIMARY KEY, destination TEXT NOT NULL, def TEXT NOT NULL, created_at TEXT NOT NULL,
    last_run_at TEXT);
  CREATE TABLE activation_runs (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, destination TEXT NOT NULL, audience_id TEXT NOT NULL,
    audience_name TEXT NOT NULL, flow_id TEXT, mode TEXT NOT NULL, started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL, rows INTEGER NOT NULL, identities INTEGER NOT NULL, excluded INTEGER NOT NULL,
    added INTEGER NOT NULL, removed INTEGER NOT NULL, files TEXT NOT NULL);
  CREATE INDEX activation_runs_destination ON activation_runs(destination, seq);
  CREATE TABLE activation_files (
    run_id TEXT NOT NULL, name TEXT NOT NULL, mime_type TEXT NOT NULL, content TEXT NOT NULL,
    PRIMARY KEY (run_id, name)) WITHOUT ROWID;
  CREATE TABLE activation_members (
    destination TEXT NOT NULL, audience_id TEXT NOT NULL, pid INTEGER NOT NULL,
    PRIMARY KEY (destination, audience_id, pid)) WITHOUT ROWID;
  `,
  // What each batch did to the profiles (../ingest/batchWriter.ts profileOutcome): records that joined
  // an existing profile, profiles it made, and the profile count after it — null where not recorded.
  `
  ALTER TABLE batches ADD COLUMN records_matched INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE batches ADD COLUMN profiles_created INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE batches ADD COLUMN profiles_after INTEGER;
  `,
  // Each record's person flag, set when it is written (../profile/kind.ts carriesPerson), and the profiles
  // table (../profile/profiles.ts): kind and last update per profile, so counts and the profile browser
  // read one row per profile instead of deriving every profile from every record. A sandbox with
  // records has it marked stale here, and built on first use.
  `
  ALTER TABLE records ADD COLUMN person INTEGER NOT NULL DEFAULT 0;
  UPDATE records SET person = EXISTS (
    SELECT 1 FROM record_identities ri JOIN identities x ON x.iid = ri.iid JOIN namespaces n ON n.code = x.ns
     WHERE ri.rid = records.rid AND n.type IN ('person', 'email', 'phone'));
  CREATE TABLE profiles (pno INTEGER PRIMARY KEY, kind TEXT NOT NULL, updated TEXT NOT NULL);
  CREATE INDEX profiles_list ON profiles(kind, updated DESC, pno);
  INSERT OR REPLACE INTO meta (key, value) SELECT 'profilesStale', '1' WHERE EXISTS (SELECT 1 FROM records);
  `,
  // Exact counts for the overview and the profile browser (../profile/counts.ts): records per dataset,
  // identities, profiles per kind, kept as rows come and go; a sandbox with records counts on first use.
  `
  CREATE TABLE counts (key TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
  INSERT OR REPLACE INTO meta (key, value) SELECT 'countsStale', '1' WHERE EXISTS (SELECT 1 FROM records);
  `,
  compactRows
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Migrates to SCHEMA_VERSION, or to an earlier version (./validate.ts builds each format's reference). */
export function migrate(db: Database, toVersion = SCHEMA_VERSION): void {
  const version = Number(db.exec('PRAGMA user_version')[0]?.values[0]?.[0] ?? 0);
  if (version > SCHEMA_VERSION) {
    throw new Error(
      `This sandbox was saved by a newer Pocket CDP (format ${version}); update the app to open it.`
    );
  }
  for (let v = version; v < toVersion; v++) {
    db.run('BEGIN');
    try {
      const step = MIGRATIONS[v];
      if (typeof step === 'string') db.run(step);
      else step(db);
      db.run(`PRAGMA user_version = ${v + 1}`);
      db.run('COMMIT');
    } catch (e) {
      db.run('ROLLBACK');
      throw e;
    }
  }
}
