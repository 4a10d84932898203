// Helpers the demo samples share.
import type { SchemaDef } from '../types';
import { DEFAULT_SEED } from './records';
import { DAY, startOfUtcDay } from './random';

export interface SampleOptions {
  seed?: number;
  /** Epoch ms the sample's "recent" is measured from; default the start of the current UTC day. */
  now?: number;
}

export type Row = Record<string, unknown>;
/** Rows by dataset name. */
export type Sample = Record<string, Row[]>;

export function sampleSettings(opts: SampleOptions = {}): { seed: number; now: number } {
  return { seed: opts.seed ?? DEFAULT_SEED, now: opts.now ?? startOfUtcDay(Date.now()) };
}

/** The row with its keys in schema order (as a generated file's columns are), missing values left out. */
export function inSchemaOrder(schema: SchemaDef, values: Row): Row {
  const row = Object.create(null) as Row;
  for (const f of schema.fields) if (values[f.path] !== undefined) row[f.path] = values[f.path];
  for (const key of Object.keys(values)) {
    if (!(key in row) && values[key] !== undefined)
      throw new Error(`${key} is not a field of ${schema.name}`);
  }
  return row;
}

/** A fixed time of day some whole days before `now`, for hand-written rows. */
export function daysAgo(now: number, days: number, hhmm = '12:00'): number {
  const [h, m] = hhmm.split(':').map(Number);
  return now - days * DAY + (h * 60 + m) * 60_000;
}
