// Generated records as the files a user would upload: CSV with field paths as headers, or JSON with the
// paths unfolded into nested objects. Both ingest back to the same values.

import { csvFile } from '../format/csv';

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
  const out: Row = {};
  for (const [path, value] of Object.entries(record)) {
    if (value === undefined) continue;
    const parts = path.split('.');
    let node = out;
    let i = 0;
    for (; i < parts.length - 1; i++) {
      const next = node[parts[i]];
      if (next === undefined) node = node[parts[i]] = {} as Row;
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
