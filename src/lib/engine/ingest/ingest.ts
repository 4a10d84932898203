// One upload, start to end: stream the file, map and validate each record, insert in one transaction,
// stitch the graphs the batch touched, and keep a batch report. A failed or cancelled batch rolls back
// whole, so bad input never leaves rows behind.
import type { Database } from '../db/sqlite';
import { all, one, run } from '../db/sql';
import { invalid } from '../errors';
import { newId, nowIso } from '../ids';
import { isJunk, normalizeIdentity } from '../identity/normalize';
import { inChunks } from '../db/sql';
import { maxNumber } from '../identity/persistentIds';
import { loadClosure, restitch, stitchNode } from '../identity/store';
import type { StitchNode, StitchRecord } from '../identity/stitch';
import type { BatchReport, Dataset, FieldDef, IngestOptions, Namespace, RowError, Schema } from '../types';
import { csvReader } from './csv';
import { detectFormat, type Format } from './detect';
import { jsonReader, ndjsonReader } from './json';
import { type RawRecord, type RecordReader } from './reader';
import { recordHash } from './hash';
import { NotUtf8Error, textChunks, totalBytesOf } from './source';
import { coerce, isAbsent } from './values';

export const MAX_LISTED_ERRORS = 10_000;
export const MAX_IDENTITIES_PER_RECORD = 20;
const TIME_FIELD = /(^|\.)(timestamp|lastUpdated|updatedAt|lastModified|modifyDate)$/i;

export interface IngestContext {
  db: Database;
  namespaces: Map<string, Namespace>;
  blocked: ReadonlySet<string>;
}

interface IdentityTally {
  iid: number;
  ns: Namespace;
  value: string;
  isNew: boolean;
  first: string;
  last: string;
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
  if (opts.mapping !== undefined) {
    if (typeof opts.mapping !== 'object' || opts.mapping === null)
      throw invalid('mapping maps source columns to field paths.');
    for (const [source, path] of Object.entries(opts.mapping)) {
      if (!schema.fields.some((f) => f.path === path)) {
        throw invalid(
          `mapping sends "${source}" to "${String(path)}", which is no field of schema "${schema.name}".`,
          {
            source,
            path
          }
        );
      }
    }
  }
  return threshold;
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export async function ingestFile(
  ctx: IngestContext,
  dataset: Dataset,
  schema: Schema,
  input: string | Uint8Array | Blob,
  opts: IngestOptions = {}
): Promise<BatchReport> {
  if (typeof input !== 'string' && !(input instanceof Uint8Array) && !(input instanceof Blob)) {
    throw invalid('ingest takes the file as a string, a Uint8Array or a Blob/File.');
  }
  const threshold = checkOptions(schema, opts);
  const { db, namespaces, blocked } = ctx;
  const startedAt = nowIso();
  const batchTime = startedAt;
  const batchId = newId('batch');
  const seq = Number(
    one<{ s: number }>(db, { sql: 'SELECT coalesce(max(seq), 0) + 1 AS s FROM batches' })!.s
  );
  const totalBytes = totalBytesOf(input);
  const fileName =
    opts.fileName ?? (input instanceof Blob && 'name' in input ? String(input.name) : 'upload');

  const byPath = new Map(schema.fields.map((f) => [f.path, f]));
  const byLowerPath = new Map(schema.fields.map((f) => [f.path.toLowerCase(), f]));
  const timeField = schema.fields.find((f) => f.type === 'datetime' && TIME_FIELD.test(f.path));
  const identityFields = schema.fields.filter((f) => f.identity);
  const primaryField = identityFields.find((f) => f.identity?.primary);
  const required = schema.fields.filter((f) => f.required);
  const columnOf = new Map<string, FieldDef | null>();
  const sourceOf = new Map<string, string>(); // field path -> the source column that fed it
  const warnings: RowError[] = [];
  const resolve = (column: string): FieldDef | null => {
    let field = columnOf.get(column);
    if (field !== undefined) return field;
    const mapped = opts.mapping?.[column];
    field =
      (mapped ? byPath.get(mapped) : (byPath.get(column) ?? byLowerPath.get(column.toLowerCase()))) ?? null;
    columnOf.set(column, field);
    if (field) sourceOf.set(field.path, column);
    else {
      warnings.push({
        row: 0,
        column,
        code: 'UNMAPPED_COLUMN',
        message: `"${column}" matches no field of schema "${schema.name}"; its values were not stored.`
      });
    }
    return field;
  };

  const errors: RowError[] = [];
  let rowsRead = 0;
  let rowsFailed = 0;
  let rowsIngested = 0;
  let format: Format | undefined = opts.format;
  let reader: RecordReader | undefined;
  let cancelled = false;
  let capped = 0;

  // identities and stitch state for this batch
  const cache = new Map<string, IdentityTally>();
  const nodes = new Map<number, StitchNode>();
  const records = new Map<number, StitchRecord>();
  // identities and profiles draw from one sequence: a profile number never names another's identity
  let maxIid = maxNumber(db);
  const allocate = () => ++maxIid;
  let maxRid = Number(one<{ m: number }>(db, { sql: 'SELECT coalesce(max(rid), 0) AS m FROM records' })!.m);
  const findIdentity = db.prepare('SELECT iid FROM identities WHERE ns = ? AND value = ?');
  const insertRecord = db.prepare(
    'INSERT OR IGNORE INTO records (rid, dataset_id, batch_seq, row, ts, fkey, ids, hash, data) VALUES (?,?,?,?,?,?,?,?,?)'
  );
  const insertLink = db.prepare('INSERT OR IGNORE INTO record_identities (iid, rid) VALUES (?, ?)');

  const identityOf = (ns: Namespace, value: string): IdentityTally => {
    const key = `${ns.code}\u0000${value}`;
    let t = cache.get(key);
    if (!t) {
      findIdentity.bind([ns.code, value]);
      const found = findIdentity.step() ? Number(findIdentity.get()[0]) : undefined;
      findIdentity.reset();
      t = found
        ? { iid: found, ns, value, isNew: false, first: '', last: '' }
        : { iid: ++maxIid, ns, value, isNew: true, first: '', last: '' };
      cache.set(key, t);
    }
    return t;
  };
  // Only a record actually stored moves first/last seen: re-ingesting a file changes nothing.
  const touch = (t: IdentityTally, ts: string) => {
    if (!t.first || ts < t.first) t.first = ts;
    if (!t.last || ts > t.last) t.last = ts;
    if (!t.ns.linksRecords) return;
    const node = nodes.get(t.iid);
    if (node) node.lastSeen = t.last;
    else if (t.isNew) nodes.set(t.iid, stitchNode(t.iid, t.ns, t.value, t.last));
  };

  const fail = (e: RowError[]) => {
    rowsFailed++;
    for (const err of e) if (errors.length < MAX_LISTED_ERRORS) errors.push(err);
  };

  const take = (rec: RawRecord) => {
    rowsRead++;
    const { row } = rec;
    if (!rec.values) return fail([rec.error!]);
    const attrs: Record<string, unknown> = {};
    const rowErrors: RowError[] = [];
    for (const column in rec.values) {
      const field = resolve(column);
      const raw = rec.values[column];
      if (!field || isAbsent(raw)) continue;
      const c = coerce(raw, field);
      if (c.ok) attrs[field.path] = c.value;
      else rowErrors.push({ row, column, code: c.code, message: `${field.path}: ${c.message}` });
    }
    for (const f of required) {
      if (attrs[f.path] === undefined && !rowErrors.some((e) => e.column === sourceOf.get(f.path))) {
        rowErrors.push({
          row,
          column: sourceOf.get(f.path) ?? f.path,
          code: 'REQUIRED',
          message: `${f.path} is required`
        });
      }
    }
    const ts = (timeField && (attrs[timeField.path] as string | undefined)) || batchTime;
    const candidates: { ns: Namespace; value: string; primary: boolean }[] = [];
    for (const f of identityFields) {
      const v = attrs[f.path];
      const ns = namespaces.get(f.identity!.namespace);
      if (typeof v !== 'string' || !ns || isJunk(v, blocked)) continue;
      const value = normalizeIdentity(ns, v);
      if (value && !isJunk(value, blocked)) candidates.push({ ns, value, primary: !!f.identity!.primary });
    }
    if (candidates.length === 0) {
      const column = primaryField ? (sourceOf.get(primaryField.path) ?? primaryField.path) : undefined;
      const paths = identityFields.map((f) => f.path).join(', ');
      rowErrors.push({
        row,
        ...(column ? { column } : {}),
        code: 'NO_IDENTITY',
        message: paths
          ? `no usable identity: ${paths} ${identityFields.length > 1 ? 'are' : 'is'} empty or blocked values`
          : 'no usable identity: the schema has no identity field'
      });
    }
    if (rowErrors.length) return fail(rowErrors);
    const data = JSON.stringify(attrs);
    if (!dataset.profileEnabled) {
      // A dataset outside the profile store keeps its records and adds no identity to any graph
      insertRecord.run([++maxRid, dataset.id, seq, row, ts, null, '', recordHash(data), data]);
      rowsIngested++;
      return;
    }
    const found: { t: IdentityTally; primary: boolean }[] = [];
    const seenIds = new Set<number>();
    for (const c of candidates) {
      const t = identityOf(c.ns, c.value);
      if (seenIds.has(t.iid)) continue;
      seenIds.add(t.iid);
      found.push({ t, primary: c.primary });
    }
    let linking = found.filter((x) => x.t.ns.linksRecords);
    if (linking.length > MAX_IDENTITIES_PER_RECORD) {
      capped++;
      linking = linking.slice(0, MAX_IDENTITIES_PER_RECORD);
    }
    const key =
      found.find((x) => x.primary)?.t ??
      [...linking].sort((a, b) => a.t.ns.priority - b.t.ns.priority)[0]?.t ??
      found[0].t;
    const rid = ++maxRid;
    const ids = linking.map((x) => x.t.iid);
    insertRecord.run([rid, dataset.id, seq, row, ts, key.iid, ids.join(','), recordHash(data), data]);
    rowsIngested++;
    if (db.getRowsModified() === 0) return; // the same record is already in this dataset
    for (const x of found) {
      touch(x.t, ts);
      insertLink.run([x.t.iid, rid]);
    }
    if (ids.length) records.set(rid, { rid, ts, ids });
  };

  // Each chunk's identities are written and its graphs restitched before the next chunk is read, so
  // memory holds one chunk's state, not the file's. The closure reloads whatever earlier chunks (or
  // batches) stored, so the graphs come out as if the file were stitched whole.
  const touchedGraphs = new Set<number>();
  const flush = () => {
    for (const c of finishStitch(ctx, cache, nodes, records, allocate)) touchedGraphs.add(c);
    cache.clear();
    nodes.clear();
    records.clear();
  };

  let fileError: RowError | null = null;
  db.run('BEGIN');
  try {
    try {
      for await (const chunk of textChunks(input)) {
        if (!reader) {
          format ??= detectFormat(chunk.text, chunk.bytes >= totalBytes);
          reader = readerFor(format);
        }
        for (const rec of reader.push(chunk.text)) take(rec);
        fileError = reader.fileError();
        if (fileError) break;
        flush();
        opts.onProgress?.({ rows: rowsRead, bytes: chunk.bytes, totalBytes });
        await tick();
        if (opts.signal?.aborted) {
          cancelled = true;
          break;
        }
      }
    } catch (e) {
      if (!(e instanceof NotUtf8Error)) throw e;
      fileError = { row: 0, code: 'NOT_UTF8', message: e.message };
    }
    if (!cancelled && !fileError) {
      if (!reader) {
        fileError = { row: 0, code: 'EMPTY_FILE', message: 'The file is empty.' };
      } else {
        for (const rec of reader.end()) take(rec);
        fileError = reader.fileError();
        // the CSV header read, no rows
        if (!fileError && rowsRead === 0)
          fileError = { row: 0, code: 'EMPTY_FILE', message: 'The file has no data rows.' };
      }
      if (reader) for (const column of reader.columns()) resolve(column);
    }
  } catch (e) {
    findIdentity.free();
    insertRecord.free();
    insertLink.free();
    db.run('ROLLBACK');
    throw e;
  }
  findIdentity.free();
  insertRecord.free();
  insertLink.free();

  const tooMany = rowsRead > 0 && rowsFailed / rowsRead > threshold;
  let status: BatchReport['status'] = cancelled
    ? 'cancelled'
    : fileError || tooMany
      ? 'failed'
      : rowsFailed > 0
        ? 'partial'
        : 'success';
  if (fileError) errors.unshift(fileError);
  if (tooMany && !fileError) {
    errors.unshift({
      row: 0,
      code: 'ERROR_THRESHOLD',
      message: `${rowsFailed} of ${rowsRead} rows are bad (${((100 * rowsFailed) / rowsRead).toFixed(1)}%), more than the ${(threshold * 100).toFixed(1)}% allowed: nothing was ingested.`
    });
  }
  if (capped) {
    warnings.push({
      row: 0,
      code: 'IDENTITIES_CAPPED',
      message: `${capped} record(s) held more than ${MAX_IDENTITIES_PER_RECORD} identities; only the first ${MAX_IDENTITIES_PER_RECORD} were linked.`
    });
  }

  let profilesTouched = 0;
  if (status === 'failed' || status === 'cancelled') {
    db.run('ROLLBACK');
    rowsIngested = 0;
  } else {
    try {
      flush();
      profilesTouched = countGraphs(db, touchedGraphs);
      db.run('COMMIT');
    } catch (e) {
      db.run('ROLLBACK');
      status = 'failed';
      rowsIngested = 0;
      errors.unshift({ row: 0, code: 'INTERNAL', message: `Stitching failed: ${(e as Error).message}` });
    }
  }
  opts.onProgress?.({ rows: rowsRead, bytes: totalBytes, totalBytes });

  const report: BatchReport = {
    batchId,
    dataset: dataset.name,
    status,
    rowsRead,
    rowsIngested,
    rowsFailed,
    errors,
    warnings,
    fileName,
    format: format ?? 'unknown',
    bytes: totalBytes,
    startedAt,
    finishedAt: nowIso(),
    profilesTouched
  };
  run(db, {
    sql: `INSERT INTO batches (seq, id, dataset_id, status, rows_read, rows_ingested, rows_failed, errors, warnings,
            file_name, format, bytes, started_at, finished_at, profiles_touched) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    params: [
      seq,
      batchId,
      dataset.id,
      status,
      rowsRead,
      rowsIngested,
      rowsFailed,
      JSON.stringify(errors),
      JSON.stringify(warnings),
      fileName,
      report.format,
      totalBytes,
      startedAt,
      report.finishedAt,
      profilesTouched
    ]
  });
  return report;
}

/** Writes a chunk's identities and restitches the graphs it touched; returns the graphs it produced. */
function finishStitch(
  ctx: IngestContext,
  cache: Map<string, IdentityTally>,
  nodes: Map<number, StitchNode>,
  records: Map<number, StitchRecord>,
  allocate: () => number
): Set<number> {
  const { db, namespaces } = ctx;
  const update = db.prepare(
    'UPDATE identities SET first_seen = min(first_seen, ?), last_seen = max(last_seen, ?) WHERE iid = ?'
  );
  const before = new Map<number, number>();
  const seeds: number[] = [];
  const fresh: IdentityTally[] = [];
  const freshIds = new Set<number>();
  try {
    for (const t of cache.values()) {
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
  loadClosure(db, seeds, namespaces, nodes, records, before, new Set(freshIds));
  const numbers = restitch(db, nodes, records, before, allocate);
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
  return new Set(numbers.values());
}

/**
 * Profiles the batch produced: of the numbers found chunk by chunk, those still held by a graph (one a
 * later chunk merged away lives on in the number it merged into, which that chunk found).
 */
function countGraphs(db: Database, comps: Set<number>): number {
  return inChunks([...comps], (c, m) =>
    all<{ n: number }>(db, {
      sql: `SELECT count(DISTINCT comp) AS n FROM identities WHERE comp IN (${m})`,
      params: c
    })
  ).reduce((sum, r) => sum + r.n, 0);
}
