import Papa from 'papaparse';
import type { RowError } from '../types';
import type { RawRecord, RecordReader } from './reader';

type Handler = (arg?: unknown) => void;

const DELIMITERS = [',', ';', '\t', '|'];

/**
 * The delimiter is the one the header line uses most (outside quotes), comma on a tie. papaparse's own
 * guess averages over the first rows and misreads small files that end with a newline.
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

/**
 * Streams CSV through papaparse's own chunk streamer, so a quoted field cut in two by a chunk boundary
 * is rejoined by papaparse. We feed it text as it arrives through a minimal readable-stream stand-in,
 * which works the same in the worker and in node.
 */
export function csvReader(): RecordReader {
  const handlers: Record<string, Handler> = {};
  const source = {
    readable: true,
    read: () => null,
    on: (event: string, fn: Handler) => void (handlers[event] = fn),
    removeListener: () => {},
    pause: () => {},
    resume: () => {}
  };
  let header: string[] | null = null;
  let fileError: RowError | null = null;
  let row = 0;
  let out: RawRecord[] = [];

  function take(rows: string[][], errors: Papa.ParseError[]) {
    const rowErrors = new Map<number, Papa.ParseError>();
    for (const e of errors) if (e.type === 'Quotes' && typeof e.row === 'number') rowErrors.set(e.row, e);
    rows.forEach((cells, i) => {
      if (cells.length === 1 && cells[0] === '') return; // a blank line is no record
      if (!header) {
        header = cells.map((c, j) => c.trim() || `column ${j + 1}`);
        header[0] = header[0].replace(/^\uFEFF/, '');
        const seen = new Set<string>();
        for (const h of header) {
          if (seen.has(h)) {
            fileError = {
              row: 0,
              column: h,
              code: 'DUPLICATE_HEADER',
              message: `The header names "${h}" twice.`
            };
          }
          seen.add(h);
        }
        return;
      }
      row++;
      const quoteError = rowErrors.get(i);
      if (quoteError) {
        out.push({ row, values: null, error: { row, code: 'BAD_QUOTES', message: quoteError.message } });
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
        const values: Record<string, unknown> = {};
        for (let j = 0; j < cells.length; j++) values[header[j]] = cells[j];
        out.push({ row, values });
      }
    });
  }

  // papaparse's types know only its public inputs; a readable-stream stand-in is what its streamer takes
  const parse = Papa.parse as unknown as (input: unknown, config: Papa.ParseLocalConfig<string[]>) => void;
  let started = false;
  const start = (head: string) => {
    started = true;
    parse(source, {
      header: false,
      skipEmptyLines: false,
      delimiter: headerDelimiter(head),
      chunk: (results: Papa.ParseResult<string[]>) => take(results.data, results.errors),
      complete: () => {},
      error: (e: Error) => {
        fileError = {
          row: 0,
          code: 'UNREADABLE',
          message: `The file could not be read as CSV: ${e.message}`
        };
      }
    });
  };

  const drain = () => {
    const records = out;
    out = [];
    return records;
  };
  return {
    push(text) {
      if (fileError) return [];
      if (!started) start(text);
      handlers.data?.(text);
      return fileError ? [] : drain();
    },
    end() {
      if (!fileError && started) handlers.end?.();
      if (!fileError && !header) {
        fileError = { row: 0, code: 'EMPTY_FILE', message: 'The file is empty: no header and no rows.' };
      }
      return fileError ? [] : drain();
    },
    fileError: () => fileError,
    columns: () => header ?? []
  };
}
