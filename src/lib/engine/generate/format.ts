// Generated records as the files a user would upload: CSV with field paths as headers, or JSON with the
// paths unfolded into nested objects. Both ingest back to the same values.

type Row = Record<string, unknown>;

const NEEDS_QUOTES = /[",\r\n]/;

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : JSON.stringify(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * RFC 4180: CRLF line ends, a cell with a comma, quote, CR or LF is quoted with its quotes doubled.
 * No formula-injection prefix here (unlike activation files): these files are meant to be ingested
 * back unchanged, and a leading quote would alter values such as '+14155550142'.
 */
export function toCsv(fields: string[], records: Row[]): string {
  const lines = new Array<string>(records.length + 1);
  lines[0] = fields.map(cell).join(',');
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    let line = '';
    for (let f = 0; f < fields.length; f++) line += (f ? ',' : '') + cell(r[fields[f]]);
    lines[i + 1] = line;
  }
  return lines.join('\r\n') + '\r\n';
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
