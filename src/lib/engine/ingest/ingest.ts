// One upload, start to end (docs/ARCHITECTURE.md, "The ingest pipeline"): stream the file in chunks,
// read records (./csv.ts, ./json.ts), map and validate each (./rowMapper.ts), store them and stitch each
// chunk's graphs (./batchWriter.ts), then decide and list the batch (./finishBatch.ts). Everything runs
// in one transaction: a failed or cancelled batch, or one whose stitching failed anywhere, rolls back
// whole and is listed as such, so bad input never leaves rows behind.
import { one } from '../db/sql';
import { outOfMemory, type Database } from '../db/sqlite';
import { invalid } from '../errors';
import { newId, nowIso } from '../ids';
import {
  MAX_SANDBOX_BYTES,
  type BatchReport,
  type Dataset,
  type IngestOptions,
  type Namespace,
  type RowError,
  type Schema
} from '../types';
import { BatchWriter } from './batchWriter';
import { csvReader } from './csv';
import { detectFormat, type Format } from './detect';
import { batchStatus, ErrorList, saveBatch } from './finishBatch';
import { jsonReader, ndjsonReader } from './json';
import { countProfiles } from '../profile/profiles';
import type { RecordReader } from './reader';
import { MAX_IDENTITIES_PER_RECORD, RowMapper, type MappedRow } from './rowMapper';
import { ProgressListener } from './progress';
import { SizeWatch } from './sandboxSize';
import { timed, timedAsync } from './stages';
import { isTextStream, NotUtf8Error, textChunks, totalBytesOf, type TextStream } from './source';

export { MAX_LISTED_ERRORS } from './finishBatch';
export { MAX_IDENTITIES_PER_RECORD } from './rowMapper';

export interface IngestContext {
  db: Database;
  namespaces: Map<string, Namespace>;
  blocked: ReadonlySet<string>;
  defaultCountry?: string;
  /** The size a sandbox may reach: MAX_SANDBOX_BYTES, the most that can be saved and opened again */
  maxBytes?: number;
  /**
   * The rows the input will have, when known before it is read (a generated run): a batch that will
   * not fit is then refused after its first rows, not minutes later when the sandbox is full.
   */
  expectedRows?: number;
}

function readerFor(format: Format): RecordReader {
  return format === 'csv' ? csvReader() : format === 'json' ? jsonReader() : ndjsonReader();
}

function checkOptions(schema: Schema, opts: IngestOptions): number {
  const threshold = opts.errorThreshold ?? 0.05;
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) {
    throw invalid('errorThreshold is a fraction from 0 to 1 (0.05 tolerates 5% bad rows).', { threshold });
  }
  if (opts.format !== undefined && !['csv', 'json', 'ndjson'].includes(opts.format)) {
    throw invalid('format is "csv", "json" or "ndjson".', { format: opts.format });
  }
  if (opts.fileName !== undefined && (typeof opts.fileName !== 'string' || opts.fileName.length > 500))
    throw invalid('fileName is the text batch monitoring shows, at most 500 characters.', {
      option: 'fileName'
    });
  if (opts.onProgress !== undefined && typeof opts.onProgress !== 'function')
    throw invalid('onProgress is a function called with each progress update.', { option: 'onProgress' });
  if (
    opts.signal !== undefined &&
    (typeof opts.signal !== 'object' || opts.signal === null || typeof opts.signal.aborted !== 'boolean')
  )
    throw invalid('signal is an AbortSignal (new AbortController().signal).', { option: 'signal' });
  if (opts.mapping !== undefined) {
    if (typeof opts.mapping !== 'object' || opts.mapping === null)
      throw invalid('mapping maps source columns to field paths.');
    for (const [source, path] of Object.entries(opts.mapping)) {
      if (!schema.fields.some((f) => f.path === path)) {
        throw invalid(
          `mapping sends "${source}" to "${String(path)}", which is no field of schema "${schema.name}".`,
          { source, path }
        );
      }
    }
  }
  return threshold;
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Records stored and stitched together: a few hundred milliseconds of work at most. */
const STITCH_SLICE = 2_000;

export async function ingestFile(
  ctx: IngestContext,
  dataset: Dataset,
  schema: Schema,
  input: string | Uint8Array | Blob | TextStream,
  opts: IngestOptions = {}
): Promise<BatchReport> {
  if (
    typeof input !== 'string' &&
    !(input instanceof Uint8Array) &&
    !(input instanceof Blob) &&
    !isTextStream(input)
  ) {
    throw invalid('ingest takes the file as a string, a Uint8Array or a Blob/File.');
  }
  const threshold = checkOptions(schema, opts);
  const { db } = ctx;
  const maxBytes = ctx.maxBytes ?? MAX_SANDBOX_BYTES;
  const startedAt = nowIso();
  const seq = Number(
    one<{ s: number }>(db, { sql: 'SELECT coalesce(max(seq), 0) + 1 AS s FROM batches' })!.s
  );
  // a generated stream (../generate/) knows its size only as it goes: each chunk says its best estimate
  let totalBytes = totalBytesOf(input);
  const fileName =
    opts.fileName ?? (input instanceof Blob && 'name' in input ? String(input.name) : 'upload');
  const mapper = new RowMapper({
    schema,
    mapping: opts.mapping,
    namespaces: ctx.namespaces,
    blocked: ctx.blocked,
    batchTime: startedAt,
    defaultCountry: ctx.defaultCountry
  });
  const bad = new ErrorList();
  let rowsRead = 0;
  let rowsIngested = 0;
  let rowsAlreadyStored = 0;
  let capped = 0;
  let format: Format | undefined = opts.format;
  let reader: RecordReader | undefined;
  let cancelled = false;
  let fileError: RowError | null = null;
  let profilesTouched = 0;
  let outcome = { recordsMatched: 0, profilesCreated: 0 };

  const writer = new BatchWriter(
    db,
    ctx.namespaces,
    dataset,
    schema.fields.map((f) => f.path),
    schema.class === 'profile',
    seq
  );
  const progress = new ProgressListener(opts.onProgress);
  db.run('BEGIN');
  const size = new SizeWatch(db, maxBytes, ctx.expectedRows);
  // A chunk's rows are mapped, then stored: the same order of writes as row by row, and each stage's
  // time can be read off the clock once a chunk (./stages.ts)
  const take = (records: ReturnType<RecordReader['push']>) => {
    const rows = timed('map', () => {
      const out: MappedRow[] = [];
      for (const rec of records) {
        rowsRead++;
        const mapped = mapper.map(rec);
        if (!mapped.ok) {
          bad.fail(mapped.errors);
          continue;
        }
        if (mapped.row.capped) capped++;
        out.push(mapped.row);
      }
      return out;
    });
    timed('store', () => {
      for (const row of rows) {
        rowsIngested++;
        if (writer.write(row) === 'claimed') rowsAlreadyStored++;
      }
    });
  };
  const chunks = textChunks(input)[Symbol.asyncIterator]();
  let bytesBefore = 0;
  try {
    for (;;) {
      const next = await timedAsync('read', () => chunks.next());
      if (next.done) break;
      const chunk = next.value;
      if (chunk.totalBytes !== undefined) totalBytes = chunk.totalBytes;
      if (!reader) {
        format ??= detectFormat(chunk.text, chunk.bytes >= totalBytes);
        reader = readerFor(format);
      }
      const active = reader;
      const records = timed('parse', () => active.push(chunk.text));
      fileError = reader.fileError();
      if (fileError) {
        take(records); // counted as read, though the batch fails whole
        break;
      }
      // A chunk's records are stored and stitched a slice at a time, so progress and cancel are heard
      // every slice, not every mebibyte (a second or more of work on a slow machine)
      for (let at = 0; at < records.length || at === 0; at += STITCH_SLICE) {
        take(records.slice(at, at + STITCH_SLICE));
        timed('stitch', () => writer.flush());
        fileError = size.check(rowsRead);
        if (fileError) break;
        const done = Math.min(1, (at + STITCH_SLICE) / Math.max(1, records.length));
        const bytes = Math.round(bytesBefore + (chunk.bytes - bytesBefore) * done);
        progress.tell({ rows: rowsRead, bytes, totalBytes });
        await tick();
        if (opts.signal?.aborted) {
          cancelled = true;
          break;
        }
      }
      if (cancelled || fileError) break;
      bytesBefore = chunk.bytes;
    }
    if (!cancelled && !fileError) {
      if (!reader) fileError = { row: 0, code: 'EMPTY_FILE', message: 'The file is empty.' };
      else {
        const active = reader;
        take(timed('parse', () => active.end()));
        fileError = reader.fileError();
        // the CSV header read, no rows
        if (!fileError && rowsRead === 0)
          fileError = { row: 0, code: 'EMPTY_FILE', message: 'The file has no data rows.' };
      }
      if (reader) for (const column of reader.columns()) mapper.resolve(column);
      mapper.unusedMappings();
    }
    const { status } = batchStatus({ rowsRead, rowsFailed: bad.rowsFailed, cancelled, fileError, threshold });
    if (status === 'partial' || status === 'success') {
      timed('stitch', () => writer.flush());
      fileError = size.check(rowsRead);
      timed('finish', () => {
        profilesTouched = writer.profilesTouched();
        outcome = writer.profileOutcome();
      });
    }
  } catch (e) {
    // A stitch or storage failure anywhere in the file: the same listed, failed batch
    const memory = outOfMemory(e);
    fileError =
      e instanceof NotUtf8Error
        ? { row: 0, code: 'NOT_UTF8', message: e.message }
        : memory
          ? {
              row: rowsRead,
              code: 'OUT_OF_MEMORY',
              message: `The upload stopped at row ${rowsRead}. ${memory.message}`
            }
          : { row: 0, code: 'INTERNAL', message: `The batch could not be stored: ${(e as Error).message}` };
  } finally {
    writer.close();
    // as a for-await loop would on break: the file's reader is released
    await chunks.return?.(undefined).catch(() => undefined);
  }

  const { status, reason } = batchStatus({
    rowsRead,
    rowsFailed: bad.rowsFailed,
    cancelled,
    fileError,
    threshold
  });
  if (status === 'failed' || status === 'cancelled') {
    rollback(db);
    rowsIngested = 0;
    rowsAlreadyStored = 0;
    profilesTouched = 0;
    outcome = { recordsMatched: 0, profilesCreated: 0 };
  }
  const errors = bad.errors;
  if (reason) errors.unshift(reason);
  const warnings = mapper.warnings;
  if (capped) {
    warnings.push({
      row: 0,
      code: 'IDENTITIES_CAPPED',
      message: `${capped} record(s) held more than ${MAX_IDENTITIES_PER_RECORD} linking identities: the ${MAX_IDENTITIES_PER_RECORD} of highest namespace priority were linked, the others kept as attributes only.`
    });
  }
  progress.tell({ rows: rowsRead, bytes: totalBytes, totalBytes });
  if (progress.failure) warnings.push(progress.failure);
  const report: BatchReport = {
    batchId: newId('batch'),
    dataset: dataset.name,
    status,
    rowsRead,
    rowsIngested,
    rowsFailed: bad.rowsFailed,
    rowsAlreadyStored,
    errors,
    warnings,
    fileName,
    format: format ?? 'unknown',
    bytes: totalBytes,
    startedAt,
    finishedAt: nowIso(),
    profilesTouched,
    ...outcome,
    profilesAfter: 0
  };
  try {
    timed('finish', () => {
      report.profilesAfter = countProfiles(db);
      saveBatch(db, seq, dataset.id, report);
      if (status !== 'failed' && status !== 'cancelled') db.run('COMMIT');
    });
  } catch (e) {
    // never left open: a transaction still running would refuse every later write and the save
    rollback(db);
    throw e;
  }
  return report;
}

/** SQLite may already have ended the transaction itself (some errors do): then there is none to end. */
function rollback(db: Database): void {
  try {
    db.run('ROLLBACK');
  } catch {
    // no transaction was active
  }
}
