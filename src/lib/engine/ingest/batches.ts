// Batch monitoring: every batch a dataset received, failed and cancelled ones included, and a batch's
// row errors as the CSV a person downloads.
import { all } from '../db/sql';
import type { Database } from '../db/sqlite';
import { CdpError } from '../errors';
import { csvFile } from '../format/csv';
import type { BatchReport } from '../types';

interface BatchRow {
  id: string;
  dataset: string;
  status: BatchReport['status'];
  rows_read: number;
  rows_ingested: number;
  rows_failed: number;
  rows_already_stored: number;
  errors: string;
  warnings: string;
  file_name: string;
  format: BatchReport['format'];
  bytes: number;
  started_at: string;
  finished_at: string;
  profiles_touched: number;
  records_matched: number;
  profiles_created: number;
  profiles_after: number | null;
}

/** In ingest order; only one dataset's when its id is given. */
export function listBatches(db: Database, datasetId?: string): BatchReport[] {
  const rows = all<BatchRow>(db, {
    sql: `SELECT b.*, d.name AS dataset FROM batches b JOIN datasets d ON d.id = b.dataset_id
           ${datasetId !== undefined ? 'WHERE b.dataset_id = ?' : ''} ORDER BY b.seq`,
    params: datasetId !== undefined ? [datasetId] : []
  });
  return rows.map((r) => ({
    batchId: r.id,
    dataset: r.dataset,
    status: r.status,
    rowsRead: r.rows_read,
    rowsIngested: r.rows_ingested,
    rowsFailed: r.rows_failed,
    rowsAlreadyStored: r.rows_already_stored,
    errors: JSON.parse(r.errors) as BatchReport['errors'],
    warnings: JSON.parse(r.warnings) as BatchReport['warnings'],
    fileName: r.file_name,
    format: r.format,
    bytes: r.bytes,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    profilesTouched: r.profiles_touched,
    recordsMatched: r.records_matched,
    profilesCreated: r.profiles_created,
    profilesAfter: r.profiles_after
  }));
}

/**
 * A batch's errors and warnings as CSV. Column names and messages come from the uploaded file, so the
 * cells are formula-safe: a header like =HYPERLINK(...) shows as text in a spreadsheet.
 */
export function batchErrorsCsv(db: Database, batchId: string): string {
  if (typeof batchId !== 'string') throw new CdpError('invalid_argument', 'batchErrorsCsv takes a batch id.');
  const batch = listBatches(db).find((b) => b.batchId === batchId);
  if (!batch) throw new CdpError('not_found', `No batch "${batchId}" in this sandbox.`, { batchId });
  return csvFile(
    ['row', 'column', 'code', 'message'],
    [...batch.errors, ...batch.warnings].map((e) => [e.row, e.column ?? '', e.code, e.message]),
    { formulaSafe: true }
  );
}
