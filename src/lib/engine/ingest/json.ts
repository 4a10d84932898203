import type { RowError } from '../types';
import { flatten } from './flatten';
import type { RawRecord, RecordReader } from './reader';

function toRecord(row: number, text: string, where: string): RawRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return {
      row,
      values: null,
      error: { row, code: 'INVALID_JSON', message: `${where}: ${(e as Error).message}` }
    };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      row,
      values: null,
      error: { row, code: 'NOT_AN_OBJECT', message: `${where} is not a JSON object` }
    };
  }
  return { row, values: flatten(value as Record<string, unknown>) };
}

/** NDJSON: one object per line; row = line number, blank lines skipped. */
export function ndjsonReader(): RecordReader {
  let carry = '';
  let line = 0;
  const columns = new Set<string>();
  const take = (text: string, out: RawRecord[]) => {
    line++;
    if (text.trim() === '') return;
    const rec = toRecord(line, text, `Line ${line}`);
    if (rec.values) for (const k of Object.keys(rec.values)) columns.add(k);
    out.push(rec);
  };
  let first = true;
  return {
    push(text) {
      const out: RawRecord[] = [];
      if (first) {
        first = false;
        text = text.replace(/^\uFEFF/, '');
      }
      const lines = (carry + text).split('\n');
      carry = lines.pop() ?? '';
      for (const l of lines) take(l.endsWith('\r') ? l.slice(0, -1) : l, out);
      return out;
    },
    end() {
      const out: RawRecord[] = [];
      if (carry !== '') take(carry, out);
      carry = '';
      return out;
    },
    fileError: () => null,
    columns: () => [...columns]
  };
}

/**
 * A JSON document: an array of objects (streamed element by element, row = element index) or one
 * object (one record). The scanner tracks strings and nesting depth only, so element text is handed
 * to JSON.parse whole and a bad element is one row error, not a lost file.
 */
export function jsonReader(): RecordReader {
  let mode: 'start' | 'array' | 'object' | 'done' = 'start';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let element = ''; // text of the element being read, across chunks
  let elementOpen = false;
  let row = 0;
  let fileError: RowError | null = null;
  let trailing = false;
  const columns = new Set<string>();

  const emit = (out: RawRecord[]) => {
    row++;
    const rec = toRecord(row, element, mode === 'object' ? 'The document' : `Element ${row}`);
    if (rec.values) for (const k of Object.keys(rec.values)) columns.add(k);
    out.push(rec);
    element = '';
    elementOpen = false;
  };

  function scan(text: string): RawRecord[] {
    const out: RawRecord[] = [];
    // start of the open element's text within this chunk: an element left open by the last chunk goes on here
    let from = elementOpen ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (mode === 'start') {
        if (c === '[') mode = 'array';
        else if (c === '{') {
          mode = 'object';
          depth = 1;
          elementOpen = true;
          from = i;
        } else if (c === '\uFEFF' || /\s/.test(c)) continue;
        else {
          fileError = {
            row: 0,
            code: 'NOT_JSON',
            message: 'A JSON file holds an array of objects or one object.'
          };
          return out;
        }
        continue;
      }
      if (mode === 'done') {
        if (!/\s/.test(c)) trailing = true;
        continue;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (c === '"') inString = false;
        continue;
      }
      if (mode === 'array' && !elementOpen && depth === 0) {
        if (c === ']') {
          mode = 'done';
          continue;
        }
        if (c === ',' || /\s/.test(c)) continue;
        elementOpen = true;
        from = i;
      }
      if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') depth--;
      else if (c === ',' && depth === 0 && mode === 'array') {
        element += text.slice(from, i);
        emit(out);
        from = -1;
        continue;
      }
      if (depth < 0 && mode === 'array') {
        // the closing bracket of the array ends a scalar element such as [1, 2]
        element += text.slice(from, i);
        emit(out);
        from = -1;
        depth = 0;
        mode = 'done';
        continue;
      }
      if (depth === 0 && elementOpen && (c === '}' || c === ']')) {
        element += text.slice(from, i + 1);
        from = -1;
        if (mode === 'object') {
          emit(out);
          mode = 'done';
        } else {
          // the element is complete; it is emitted at the following comma or closing bracket
          elementOpen = false;
          emit(out);
        }
      }
    }
    if (from >= 0) element += text.slice(from);
    return out;
  }

  return {
    push(text) {
      return fileError ? [] : scan(text);
    },
    end() {
      if (fileError) return [];
      if (mode === 'start') {
        fileError = { row: 0, code: 'EMPTY_FILE', message: 'The file is empty.' };
      } else if (mode !== 'done') {
        fileError = {
          row: 0,
          code: 'INVALID_JSON',
          message: `The JSON ends before its closing ${mode === 'array' ? ']' : '}'}${row ? ` (after element ${row})` : ''}.`
        };
      } else if (trailing) {
        fileError = {
          row: 0,
          code: 'INVALID_JSON',
          message: 'There is text after the end of the JSON document.'
        };
      }
      return [];
    },
    fileError: () => fileError,
    columns: () => [...columns]
  };
}
