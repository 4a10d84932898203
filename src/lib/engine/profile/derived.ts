// What is derived from the records and graphs and stored beside them: the profiles table (./profiles.ts)
// and the audience snapshots (../segment/snapshot.ts). Ingest keeps both current slice by slice; a
// change that can reach any number of profiles at once (a deleted batch, relinking, renormalising)
// marks both here, and each is rebuilt whole on its next use.
import type { Database } from '../db/sqlite';
import { invalidateSnapshots } from '../segment/snapshot';
import { markProfilesStale } from './profiles';

export function markDerivedStale(db: Database): void {
  invalidateSnapshots(db);
  markProfilesStale(db);
}
