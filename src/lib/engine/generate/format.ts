// Generated records as the files a user would upload: CSV with field paths as headers, or JSON with the
// paths unfolded into nested objects. Both ingest back to the same values.

import { csvFile, csvLine } from '../format/csv';

type Row = Record<string, unknown>;

/**
 * RFC 4180: CRLF line ends, a cell with a comma, quote, CR or LF is quoted with its quotes doubled.
 * No formula-injection prefix here (unlike activation files): these files are meant to be ingested
 * back unchanged.
 */
export function toCsv(fields: string[], records: Row[]): string {
  return csvFile(
    fields,
    records.map((r) => fields.map((f) => r[f])),
    { formulaSafe: false }
  );
}

/** 'person.name.firstName' -> { person: { name: { firstName } } }; a missing value is left out. */
export function nest(record: Row): Row {
  const out = Object.create(null) as Row;
  for (const [path, value] of Object.entries(record)) {
    if (value === undefined) continue;
    const parts = path.split('.');
    let node = out;
    let i = 0;
    for (; i < parts.length - 1; i++) {
      const next = node[parts[i]];
      if (next === undefined) node = node[parts[i]] = Object.create(null) as Row;
      else if (typeof next === 'object' && next !== null && !Array.isArray(next)) node = next as Row;
      // A value already sits where an object should go ('a' and 'a.b' both set): keep the rest of the
      // path as one dotted key rather than lose either value
      else break;
    }
    node[parts.slice(i).join('.')] = value;
  }
  return out;
}

/** A JSON array, one record per line: valid JSON that still diffs and greps well. */
export function toJson(records: Row[]): string {
  if (records.length === 0) return '[]\n';
  return `[\n${records.map((r) => JSON.stringify(nest(r))).join(',\n')}\n]\n`;
}

export type FileFormat = 'csv' | 'json';

/**
 * A run's file, chunk by chunk: concatenated, the chunks are exactly toCsv / toJson of all the records,
 * so a file streamed into a Blob, into ingestion or into one string is the same bytes.
 */
export function* fileChunks(
  format: FileFormat,
  fields: string[],
  chunks: Iterable<Row[]>
): Generator<string> {
  let first = true;
  for (const records of chunks) {
    let text = '';
    if (format === 'csv') {
      if (first) text = `${csvLine(fields, CELL)}\r\n`;
      for (const r of records) text += `${csvLine(rowOf(fields, r), CELL)}\r\n`;
    } else {
      for (let i = 0; i < records.length; i++) {
        text += `${first && i === 0 ? '[\n' : ',\n'}${JSON.stringify(nest(records[i]))}`;
      }
    }
    first = false;
    yield text;
  }
  if (format === 'json') yield first ? '[]\n' : '\n]\n';
}

const CELL = { formulaSafe: false };

function rowOf(fields: string[], r: Row): unknown[] {
  const out = new Array<unknown>(fields.length);
  for (let i = 0; i < fields.length; i++) out[i] = r[fields[i]];
  return out;
}

/** UTF-8 length of a text without encoding it (most generated text is ASCII). */
export function utf8Length(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c < 0xdc00) {
      // a surrogate pair: two UTF-16 units, four bytes
      i++;
      n += 2;
    } else n += 2;
  }
  return n;
}
