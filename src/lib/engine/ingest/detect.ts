export type Format = 'csv' | 'json' | 'ndjson';

/**
 * DESIGN: text that parses as one JSON value is JSON, else NDJSON if every line does, else CSV. Decided
 * on the first chunk: '[' opens a JSON array; '{' is NDJSON when its first line is a whole object and
 * more follows, else one JSON document. Everything else is CSV.
 */
export function detectFormat(head: string): Format {
  const text = head.replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('[')) return 'json';
  if (!text.startsWith('{')) return 'csv';
  const firstLine = text.split('\n', 1)[0].trim();
  try {
    JSON.parse(firstLine);
  } catch {
    return 'json';
  }
  return text.slice(firstLine.length).trim() === '' ? 'json' : 'ndjson';
}
