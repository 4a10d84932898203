// Deleting a batch removes what only that batch holds. A record that a later batch holds too (it
// re-ingested the same row) stays, and now belongs to the earliest such batch. Records removed take their
// graphs with them: a graph the batch had joined splits again, and each part takes back its own profile id
// (../identity/persistentIds.ts).
import type { Database } from '../db/sqlite';
import { all, one, run, transaction } from '../db/sql';
import { CdpError } from '../errors';
import { maxNumber } from '../identity/persistentIds';
import { markDerivedStale } from '../profile/derived';
import { loadClosure, refreshIdentities, restitch } from '../identity/store';
import type { StitchNode, StitchRecord } from '../identity/stitch';
import type { Namespace } from '../types';

export function deleteBatch(db: Database, namespaces: Map<string, Namespace>, batchId: string): void {
  if (typeof batchId !== 'string') throw new CdpError('invalid_argument', 'deleteBatch takes a batch id.');
  const batch = one<{ seq: number }>(db, { sql: 'SELECT seq FROM batches WHERE id = ?', params: [batchId] });
  if (!batch) throw new CdpError('not_found', `No batch "${batchId}" in this sandbox.`, { batchId });
  const seq = batch.seq;
  transaction(db, () => {
    // Records another batch claims pass to the earliest claimant, with that batch's row number
    run(db, {
      sql: `UPDATE records SET (batch_seq, row) = (
              SELECT c.batch_seq, c.row FROM record_claims c WHERE c.rid = records.rid ORDER BY c.batch_seq LIMIT 1)
            WHERE batch_seq = ? AND rid IN (SELECT rid FROM record_claims)`,
      params: [seq]
    });
    run(db, {
      sql: `DELETE FROM record_claims WHERE batch_seq = ? OR (rid, batch_seq) IN (
              SELECT rid, batch_seq FROM records WHERE rid IN (SELECT rid FROM record_claims))`,
      params: [seq]
    });
    const touched = all<{ iid: number }>(db, {
      sql: `SELECT DISTINCT ri.iid FROM record_identities ri JOIN records r ON r.rid = ri.rid WHERE r.batch_seq = ?`,
      params: [seq]
    }).map((r) => r.iid);
    // every identity of every graph the batch touched is restitched, not only the batch's own
    const graphMembers = all<{ iid: number }>(db, {
      sql: `SELECT iid FROM identities WHERE comp IN (SELECT DISTINCT i.comp FROM identities i
              JOIN record_identities ri ON ri.iid = i.iid JOIN records r ON r.rid = ri.rid WHERE r.batch_seq = ?)`,
      params: [seq]
    }).map((r) => r.iid);
    run(db, {
      sql: 'DELETE FROM record_identities WHERE rid IN (SELECT rid FROM records WHERE batch_seq = ?)',
      params: [seq]
    });
    run(db, { sql: 'DELETE FROM records WHERE batch_seq = ?', params: [seq] });
    run(db, { sql: 'DELETE FROM batches WHERE seq = ?', params: [seq] });
    const gone = new Set(refreshIdentities(db, touched));
    const seeds = [...new Set([...touched, ...graphMembers])].filter((i) => !gone.has(i));
    const nodes = new Map<number, StitchNode>();
    const records = new Map<number, StitchRecord>();
    const before = new Map<number, number>();
    // the oldest member of a graph may be gone: find the remaining members by their old comp too
    loadClosure(db, seeds, namespaces, nodes, records, before);
    for (const iid of seeds) {
      if (!before.has(iid)) {
        const r = one<{ comp: number }>(db, {
          sql: 'SELECT comp FROM identities WHERE iid = ?',
          params: [iid]
        });
        if (r) before.set(iid, r.comp);
      }
    }
    markDerivedStale(db);
    let next = maxNumber(db);
    restitch(db, nodes, records, before, () => ++next);
  });
}
