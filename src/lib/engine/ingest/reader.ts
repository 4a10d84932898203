import type { RowError } from '../types';

/** One data record of a file, as source columns (CSV headers or flattened JSON paths) to raw values. */
export interface RawRecord {
  row: number;
  values: Record<string, unknown> | null;
  error?: RowError;
}

/** Turns text, chunk by chunk, into records; a file-level problem stops it and is kept as fileError. */
export interface RecordReader {
  push(text: string): RawRecord[];
  end(): RawRecord[];
  fileError(): RowError | null;
  columns(): string[];
}
