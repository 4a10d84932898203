// A streaming CSV reader (RFC 4180, with the leniency real exports need). Our own state machine rather
// than papaparse: papaparse recovers from a malformed quoted field by reading on to the next quote, so
// `r97,"Big" Jim` swallowed every row after it with no error. Here a malformed field is a row error at its
// row and column, and reading resumes on the next line, so nothing after it is lost.
import type { RowError } from '../types';
import type { RawRecord, RecordReader } from './reader';

const DELIMITERS = [',', ';', '\t', '|'];

/**
 * A quoted field longer than this is taken for a quote that was never closed: its row is an error and
 * reading resumes on the line after the one where the quote opened (a legitimate multi-line cell is
 * far smaller). It also bounds the memory one field can take.
 */
export const MAX_QUOTED_FIELD = 1 << 20;
/** Cells per row: past this a line is no table row (it bounds memory as MAX_QUOTED_FIELD does). */
export const MAX_CELLS = 10_000;

/**
 * The delimiter is the one the header line uses most (outside quotes), comma on a tie. papaparse's own
 * guess averaged over the first rows and misread small files that end with a newline.
 */
export function headerDelimiter(text: string): string {
  const counts = new Map(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best = ',';
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

/** One physical row as cells, or the place where it went wrong. */
export interface CsvRow {
  cells: string[];
  /** Index of the cell whose quotes are malformed, with what is wrong */
  bad?: { cell: number; message: string };
}

const enum S {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote inside a quoted field: the end of the field, or the first of a doubled quote */
  QuoteInQuoted,
  /** A malformed row: skip to the end of its line */
  SkipLine
}

/**
 * The tokenizer: text in, rows out, across chunk boundaries. A lone CR, LF or CRLF ends a row. A quote
 * inside an unquoted field is kept as text (`5" pipe`), as spreadsheets do.
 */
export class CsvTokenizer {
  private state = S.FieldStart;
  private cells: string[] = [];
  private field = '';
  private quotedRaw = ''; // the text after an opening quote, kept to re-read it if the quote never closes
  private quotedLineEnd = -1; // where the first line break inside the quoted field is, in quotedRaw
  private afterCr = false;
  private bad: CsvRow['bad'];
  private readonly d: string;

  constructor(delimiter: string) {
    this.d = delimiter;
  }

  push(text: string, out: CsvRow[]): void {
    const d = this.d;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (this.afterCr) {
        this.afterCr = false;
        if (c === '\n' && this.state !== S.Quoted) continue; // the LF of a CRLF already ended the row
      }
      switch (this.state) {
        case S.FieldStart:
          if (c === '"') {
            this.state = S.Quoted;
            this.quotedRaw = '';
            this.quotedLineEnd = -1;
          } else if (c === d) this.endField();
          else if (c === '\n' || c === '\r') this.endRow(out, c);
          else {
            this.field = c;
            this.state = S.Unquoted;
          }
          break;
        case S.Unquoted: {
          // the common case: run to the next delimiter or line end at once
          let j = i;
          while (j < text.length) {
            const x = text[j];
            if (x === d || x === '\n' || x === '\r') break;
            j++;
          }
          this.field += text.slice(i, j);
          if (j === text.length) {
            i = j;
            break;
          }
          i = j;
          if (text[j] === d) this.endField();
          else this.endRow(out, text[j]);
          break;
        }
        case S.Quoted: {
          const q = text.indexOf('"', i);
          const end = q < 0 ? text.length : q;
          const part = text.slice(i, end);
          if (this.quotedLineEnd < 0) {
            const nl = part.search(/[\r\n]/);
            if (nl >= 0) this.quotedLineEnd = this.quotedRaw.length + nl;
          }
          this.field += part;
          this.quotedRaw += part;
          i = end;
          if (q >= 0) {
            this.quotedRaw += '"';
            this.state = S.QuoteInQuoted;
          } else i = text.length;
          if (this.quotedRaw.length > MAX_QUOTED_FIELD) this.unclosedQuote(out);
          break;
        }
        case S.QuoteInQuoted:
          if (c === '"') {
            this.field += '"';
            this.quotedRaw += '"';
            this.state = S.Quoted;
          } else if (c === d) this.endField();
          else if (c === '\n' || c === '\r') this.endRow(out, c);
          else {
            this.bad ??= {
              cell: this.cells.length,
              message: 'text after the closing quote of a quoted cell (a quote inside a cell is written "")'
            };
            this.endField();
            this.state = S.SkipLine;
          }
          break;
        case S.SkipLine:
          if (c === '\n' || c === '\r') {
            this.flushRow(out);
            if (c === '\r') this.afterCr = true;
          }
          break;
      }
    }
  }

  end(out: CsvRow[]): void {
    while (this.state === S.Quoted) this.unclosedQuote(out);
    if (this.state === S.SkipLine) this.flushRow(out);
    else if (this.state !== S.FieldStart || this.cells.length > 0 || this.field !== '') {
      this.endField();
      this.flushRow(out);
    }
  }

  private endField(): void {
    if (this.cells.length < MAX_CELLS) this.cells.push(this.field);
    else this.bad ??= { cell: MAX_CELLS, message: `more than ${MAX_CELLS} cells in one row` };
    this.field = '';
    this.state = S.FieldStart;
  }

  private endRow(out: CsvRow[], c: string): void {
    this.endField();
    this.flushRow(out);
    if (c === '\r') this.afterCr = true;
  }

  private flushRow(out: CsvRow[]): void {
    out.push(this.bad ? { cells: this.cells, bad: this.bad } : { cells: this.cells });
    this.cells = [];
    this.field = '';
    this.bad = undefined;
    this.state = S.FieldStart;
  }

  /**
   * A quote that never closed (by the end of the file, or within MAX_QUOTED_FIELD): the row it opened in
   * is an error, and everything after that row's first line is read again as rows of its own.
   */
  private unclosedQuote(out: CsvRow[]): void {
    const cell = this.cells.length;
    const rest = this.quotedLineEnd < 0 ? '' : this.quotedRaw.slice(this.quotedLineEnd);
    this.cells.push(this.field.slice(0, 200));
    this.bad = { cell, message: 'a quoted cell is never closed: its opening quote has no closing quote' };
    this.field = '';
    this.quotedRaw = '';
    this.state = S.FieldStart;
    this.flushRow(out);
    if (rest) this.push(rest.replace(/^\r?\n|^\r/, ''), out);
  }
}

/** The CSV reader of ingestion: the header row names the columns; each later row is one record. */
export function csvReader(): RecordReader {
  let tokenizer: CsvTokenizer | null = null;
  let header: string[] | null = null;
  let fileError: RowError | null = null;
  let row = 0;
  let first = true;

  const take = (rows: CsvRow[], out: RawRecord[]) => {
    for (const r of rows) {
      if (fileError) return;
      const { cells } = r;
      if (!r.bad && cells.length === 1 && cells[0] === '') continue; // a blank line is no record
      if (!header) {
        header = readHeader(r);
        continue;
      }
      row++;
      if (r.bad) {
        const column = header[r.bad.cell];
        out.push({
          row,
          values: null,
          error: { row, ...(column ? { column } : {}), code: 'BAD_QUOTES', message: r.bad.message }
        });
      } else if (cells.length !== header.length) {
        out.push({
          row,
          values: null,
          error: {
            row,
            code: 'FIELD_COUNT',
            message: `expected ${header.length} cells as in the header, found ${cells.length}`
          }
        });
      } else {
        // null-prototype: a "__proto__" header is a column like any other
        const values = Object.create(null) as Record<string, unknown>;
        for (let j = 0; j < cells.length; j++) values[header[j]] = cells[j];
        out.push({ row, values });
      }
    }
  };

  const readHeader = (r: CsvRow): string[] => {
    const names = r.cells.map((c, j) => c.trim() || `column ${j + 1}`);
    names[0] = names[0].replace(/^\uFEFF/, '');
    if (r.bad) {
      fileError = { row: 0, code: 'BAD_HEADER', message: `The header row is malformed: ${r.bad.message}.` };
    }
    const seen = new Set<string>();
    for (const h of names) {
      if (seen.has(h) && !fileError) {
        fileError = {
          row: 0,
          column: h,
          code: 'DUPLICATE_HEADER',
          message: `The header names "${h}" twice.`
        };
      }
      seen.add(h);
    }
    return names;
  };

  return {
    push(text) {
      if (fileError) return [];
      if (first) {
        first = false;
        text = text.replace(/^\uFEFF/, '');
      }
      tokenizer ??= new CsvTokenizer(headerDelimiter(text));
      const rows: CsvRow[] = [];
      tokenizer.push(text, rows);
      const out: RawRecord[] = [];
      take(rows, out);
      return fileError ? [] : out;
    },
    end() {
      const out: RawRecord[] = [];
      if (!fileError && tokenizer) {
        const rows: CsvRow[] = [];
        tokenizer.end(rows);
        take(rows, out);
      }
      if (!fileError && !header) {
        fileError = { row: 0, code: 'EMPTY_FILE', message: 'The file is empty: no header and no rows.' };
      }
      return fileError ? [] : out;
    },
    fileError: () => fileError,
    columns: () => header ?? []
  };
}
