export type Format = 'csv' | 'json' | 'ndjson';

/**
 * The contract's rule: text that parses as one JSON value is JSON, else NDJSON if every line does, else CSV. Decided
 * on the first chunk (`complete` when it is the whole file): '[' opening a JSON value opens a JSON array
 * ('[email],[name]' is a CSV header); '{' is one JSON document when it spans lines or is all there is,
 * else NDJSON, whose reader also takes a single line longer than the chunk. Everything else is CSV.
 */
export function detectFormat(head: string, complete = false): Format {
  const text = head.replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('[')) return /^\[\s*([[{"\]\-\d]|true\b|false\b|null\b|$)/.test(text) ? 'json' : 'csv';
  if (!text.startsWith('{')) return 'csv';
  const newline = text.indexOf('\n');
  if (newline < 0) return complete ? 'json' : 'ndjson';
  const firstLine = text.slice(0, newline).trim();
  try {
    JSON.parse(firstLine);
  } catch {
    return 'json';
  }
  return complete && text.slice(newline).trim() === '' ? 'json' : 'ndjson';
}
