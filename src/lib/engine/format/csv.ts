// The engine's one CSV cell writer (RFC 4180), for every file it writes: error reports, generated data,
// activation files.

const NEEDS_QUOTES = /[",\r\n]/;
/** What a spreadsheet reads as the start of a formula (OWASP's CSV injection list) */
const FORMULA_START = /^[=+\-@\t\r\n]/;
/**
 * A signed number is a formula that can only be that number: an E.164 phone (+14155550142) or a
 * negative balance stays as it is, so the platforms that import these files read the real value.
 */
const PLAIN_NUMBER = /^[+-]\d+(\.\d+)?$/;

export interface CellOptions {
  /**
   * Files a person opens in a spreadsheet (error reports, activation files): a cell that could start a
   * formula gets a leading ' so it shows as text. Off for files meant to be ingested back unchanged
   * (generated data), where the quote would alter values such as '+14155550142'.
   */
  formulaSafe: boolean;
}

export function csvCell(value: unknown, { formulaSafe }: CellOptions): string {
  if (value === undefined || value === null) return '';
  let text =
    typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint'
        ? String(value)
        : JSON.stringify(value);
  // An escaped cell is quoted as well, so a spreadsheet takes the whole cell as text and a CSV reader
  // gets back exactly '=... whatever follows the quote.
  const escaped =
    formulaSafe && typeof value === 'string' && FORMULA_START.test(text) && !PLAIN_NUMBER.test(text);
  if (escaped) text = `'${text}`;
  return escaped || NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line (no line end) */
export function csvLine(values: readonly unknown[], options: CellOptions): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += (i ? ',' : '') + csvCell(values[i], options);
  return line;
}

/** A whole CSV file with CRLF line ends, header first */
export function csvFile(
  header: readonly string[],
  rows: Iterable<readonly unknown[]>,
  options: CellOptions
): string {
  const lines = [csvLine(header, options)];
  for (const r of rows) lines.push(csvLine(r, options));
  return `${lines.join('\r\n')}\r\n`;
}
