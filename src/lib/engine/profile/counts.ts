// The exact counts the overview and the profile browser show: records per dataset, identities, and
// profiles per kind, kept in the counts table so a sandbox of a million profiles answers them without
// counting a million rows. Ingest adds what each slice stored (../ingest/batchWriter.ts) and the
// profiles table's refresh what it changed (./profiles.ts); anything that changes many rows at once
// marks the counts stale with the profiles table (markProfilesStale), and the next read counts again.
// A file opened from elsewhere is counted once to check it (checkCounts).
import { readMeta, writeMeta } from '../db/meta';
import { all, run } from '../db/sql';
import type { Database } from '../db/sqlite';

const STALE = 'countsStale';

export const recordsKey = (datasetId: string) => `records:${datasetId}`;
export const IDENTITIES = 'identities';
export const profilesKey = (kind: string) => `profiles:${kind}`;

export function markCountsStale(db: Database): void {
  writeMeta(db, STALE, '1');
}

/** Adds each delta to its count (a count first met starts at 0). */
export function addToCounts(db: Database, deltas: Map<string, number>): void {
  for (const [key, n] of deltas) {
    if (!n) continue;
    run(db, {
      sql: 'INSERT INTO counts (key, n) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET n = n + excluded.n',
      params: [key, n]
    });
  }
}

const COUNTED = `SELECT 'records:' || dataset_id AS key, count(*) AS n FROM records GROUP BY dataset_id
  UNION ALL SELECT 'identities', count(*) FROM identities
  UNION ALL SELECT 'profiles:' || kind, count(*) FROM profiles GROUP BY kind`;

/**
 * A file opened from elsewhere: its counts are its maker's word. They are counted (a read) and, only
 * where they differ, marked stale; a file this app saved writes nothing, so opening it is no change.
 */
export function checkCounts(db: Database): void {
  if (readMeta(db, STALE) === '1' || readMeta(db, 'profilesStale') === '1') return;
  const kept = new Map(
    all<{ key: string; n: number }>(db, { sql: 'SELECT key, n FROM counts WHERE n != 0' }).map((r) => [
      r.key,
      Number(r.n)
    ])
  );
  const counted = all<{ key: string; n: number }>(db, { sql: COUNTED }).filter((r) => Number(r.n) !== 0);
  if (counted.length !== kept.size || counted.some((r) => kept.get(r.key) !== Number(r.n)))
    markCountsStale(db);
}

/**
 * Every count, current. The caller has brought the profiles table up to date (currentProfiles):
 * counting again reads it.
 */
export function readCounts(db: Database): Map<string, number> {
  if (readMeta(db, STALE) === '1') {
    run(db, { sql: 'DELETE FROM counts' });
    run(db, { sql: `INSERT INTO counts (key, n) ${COUNTED}` });
    run(db, { sql: 'DELETE FROM meta WHERE key = ?', params: [STALE] });
  }
  return new Map(
    all<{ key: string; n: number }>(db, { sql: 'SELECT key, n FROM counts' }).map((r) => [r.key, Number(r.n)])
  );
}
