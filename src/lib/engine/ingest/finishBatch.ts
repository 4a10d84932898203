// The last stage of ingestion: the batch's status by the threshold rule, its report, and its row in
// the batches table. Every batch is listed, failed and cancelled ones included, for monitoring.
import { run } from '../db/sql';
import type { Database } from '../db/sqlite';
import type { BatchReport, RowError } from '../types';

export const MAX_LISTED_ERRORS = 10_000;

/** Row errors as they are counted and listed: every bad row counts, the first 10,000 errors are kept. */
export class ErrorList {
  readonly errors: RowError[] = [];
  rowsFailed = 0;
  fail(errors: RowError[]): void {
    this.rowsFailed++;
    for (const e of errors) if (this.errors.length < MAX_LISTED_ERRORS) this.errors.push(e);
  }
}

export interface Outcome {
  rowsRead: number;
  rowsFailed: number;
  cancelled: boolean;
  fileError: RowError | null;
  threshold: number;
}

/** A batch fails when bad rows / rows read is greater than the threshold (exactly 5% is still partial). */
export function batchStatus(o: Outcome): { status: BatchReport['status']; reason: RowError | null } {
  if (o.cancelled) return { status: 'cancelled', reason: null };
  if (o.fileError) return { status: 'failed', reason: o.fileError };
  if (o.rowsRead > 0 && o.rowsFailed / o.rowsRead > o.threshold) {
    const pct = ((100 * o.rowsFailed) / o.rowsRead).toFixed(1);
    return {
      status: 'failed',
      reason: {
        row: 0,
        code: 'ERROR_THRESHOLD',
        message: `${o.rowsFailed} of ${o.rowsRead} rows are bad (${pct}%), more than the ${(o.threshold * 100).toFixed(1)}% allowed: nothing was ingested.`
      }
    };
  }
  return { status: o.rowsFailed > 0 ? 'partial' : 'success', reason: null };
}

export function saveBatch(db: Database, seq: number, datasetId: string, r: BatchReport): void {
  run(db, {
    sql: `INSERT INTO batches (seq, id, dataset_id, status, rows_read, rows_ingested, rows_failed, errors, warnings,
            file_name, format, bytes, started_at, finished_at, profiles_touched, rows_already_stored,
            records_matched, profiles_created, profiles_after)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    params: [
      seq,
      r.batchId,
      datasetId,
      r.status,
      r.rowsRead,
      r.rowsIngested,
      r.rowsFailed,
      JSON.stringify(r.errors),
      JSON.stringify(r.warnings),
      r.fileName,
      r.format,
      r.bytes,
      r.startedAt,
      r.finishedAt,
      r.profilesTouched,
      r.rowsAlreadyStored,
      r.recordsMatched,
      r.profilesCreated,
      r.profilesAfter
    ]
  });
}
