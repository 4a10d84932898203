import type { RowError } from '../types';
import { flatten, MAX_JSON_DEPTH } from './flatten';
import type { RawRecord, RecordReader } from './reader';
import { NumberLiteral } from './values';

/** A number token whose text JSON.parse does not give back, and the keys that lead to it. */
interface Literal {
  keys: string[];
  text: string;
}

interface Frame {
  /** The key whose value is being read */
  key: string;
  seen: Set<string>;
}

type Inspection =
  { ok: true; literals: Literal[] } | { ok: false; code: string; message: string; column?: string };

const isNumberChar = (c: number) =>
  (c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === 101 || c === 69; // 0-9 - + . e E

function keyText(text: string, from: number, to: number): string {
  const raw = text.slice(from + 1, to);
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(text.slice(from, to + 1)) as string;
  } catch {
    return raw; // the element is no valid JSON: JSON.parse says so next
  }
}

/**
 * One pass over an element's text, outside strings, before it is parsed: nesting past MAX_JSON_DEPTH
 * (JSON.parse would read it, but nothing after it should have to), a key repeated in one object
 * (JSON.parse keeps the last silently), and number literals a double cannot give back (past 2^53,
 * or written as 1.0 or 1e3), which are then handed on as their text. Lists are not walked into for
 * keys and literals: a list is never a field value.
 */
function inspect(text: string): Inspection {
  const literals: Literal[] = [];
  const frames: Frame[] = [];
  let depth = 0;
  let inList = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) !== 34) j += text.charCodeAt(j) === 92 ? 2 : 1;
      if (expectKey && !inList && frames.length) {
        const frame = frames[frames.length - 1];
        frame.key = keyText(text, i, j);
        if (frame.seen.has(frame.key)) return duplicate(frames);
        frame.seen.add(frame.key);
        expectKey = false;
      }
      i = j;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > MAX_JSON_DEPTH) {
        return { ok: false, code: 'TOO_DEEP', message: `nested more than ${MAX_JSON_DEPTH} levels deep` };
      }
      if (c === 91) inList++;
      else if (!inList) {
        frames.push({ key: '', seen: new Set() });
        expectKey = true;
      }
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
      if (c === 93) inList--;
      else if (!inList) frames.pop();
      expectKey = false;
    } else if (c === 44 /* , */) {
      expectKey = !inList && frames.length > 0;
    } else if ((c >= 48 && c <= 57) || c === 45) {
      let j = i + 1;
      while (j < text.length && isNumberChar(text.charCodeAt(j))) j++;
      const token = text.slice(i, j);
      if (!inList && frames.length && String(Number(token)) !== token) {
        literals.push({ keys: frames.map((f) => f.key), text: token });
      }
      i = j - 1;
    }
  }
  return { ok: true, literals };
}

function duplicate(frames: Frame[]): Inspection {
  const path = frames.map((f) => f.key).join('.');
  return {
    ok: false,
    code: 'DUPLICATE_KEY',
    message: `the key ${JSON.stringify(frames[frames.length - 1].key)} appears twice in one object (path ${path}): neither was kept`,
    column: path
  };
}

/** Puts each literal's text where JSON.parse left its rounded number. */
function restoreLiterals(value: Record<string, unknown>, literals: Literal[]): void {
  for (const { keys, text } of literals) {
    let node: Record<string, unknown> = value;
    for (let k = 0; k < keys.length - 1; k++) {
      const next = Object.hasOwn(node, keys[k]) ? node[keys[k]] : undefined;
      if (next === null || typeof next !== 'object') break;
      node = next as Record<string, unknown>;
    }
    const last = keys[keys.length - 1];
    if (Object.hasOwn(node, last) && typeof node[last] === 'number') {
      Object.defineProperty(node, last, { value: new NumberLiteral(text), enumerable: true });
    }
  }
}

function rowError(row: number, error: Omit<RowError, 'row'>): RawRecord {
  return { row, values: null, error: { row, ...error } };
}

function toRecord(row: number, text: string, where: string): RawRecord {
  const seen = inspect(text);
  if (!seen.ok) {
    const { code, message, column } = seen;
    return rowError(row, { ...(column ? { column } : {}), code, message: `${where}: ${message}` });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return rowError(row, { code: 'INVALID_JSON', message: `${where}: ${(e as Error).message}` });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return rowError(row, { code: 'NOT_AN_OBJECT', message: `${where} is not a JSON object` });
  }
  restoreLiterals(value as Record<string, unknown>, seen.literals);
  const flat = flatten(value as Record<string, unknown>);
  if (!flat.ok) {
    const { code, message, column } = flat;
    return rowError(row, { ...(column ? { column } : {}), code, message: `${where}: ${message}` });
  }
  return { row, values: flat.values };
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
    element = '';
    elementOpen = false;
    if (mode === 'object' && rec.error?.code === 'TOO_DEEP') {
      // the file is this one object: nothing of it can be read
      fileError = { row: 0, code: 'TOO_DEEP', message: `${rec.error.message}.` };
      return;
    }
    if (rec.values) for (const k of Object.keys(rec.values)) columns.add(k);
    out.push(rec);
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
