// Seeded synthetic records for any dataset schema: flat objects keyed by field path, typed by the schema.
import { invalid } from '../errors';
import type { FieldDef, SchemaDef } from '../types';
import { Draw, Visitor, type Os } from './draw';
import { EVENT_WEIGHTS, eventScope, fieldValue, type ValueOf } from './fields';
import { startOfUtcDay } from './random';
import { loadVocabulary, type Vocabulary } from './vocabulary';

export interface GenerateOptions {
  count: number;
  seed?: number;
  /** Epoch ms that "recent" is measured from; default the start of the current UTC day. */
  now?: number;
}

export const DEFAULT_SEED = 1;
/** A million flat records is a few hundred MB in a tab: past that, upload a file instead. */
export const MAX_RECORDS = 1_000_000;

/** Real exports have gaps: this share of optional values is left out. */
const MISSING = 0.05;
/** Events per visitor on average: a visitor's events share a device id (and a CRM id when logged in). */
const EVENTS_PER_VISITOR = 8;

interface Compiled {
  field: FieldDef;
  index: number;
  value: ValueOf;
  /** Required fields and primary identities are never left out. */
  always: boolean;
  scope?: (eventType: string) => boolean;
}

export async function generateRecords(
  schema: SchemaDef,
  opts: GenerateOptions
): Promise<Record<string, unknown>[]> {
  const { count } = opts;
  if (!Number.isInteger(count) || count < 0 || count > MAX_RECORDS) {
    throw invalid(`count must be a whole number from 0 to ${MAX_RECORDS}, not ${count}.`, { count });
  }
  const seed = opts.seed ?? DEFAULT_SEED;
  const now = opts.now ?? startOfUtcDay(Date.now());
  if (!Number.isFinite(seed)) throw invalid(`seed must be a number, not ${seed}.`, { seed });
  if (!Number.isFinite(now)) throw invalid(`now must be epoch milliseconds, not ${now}.`, { now });
  return recordsFrom(await loadVocabulary(), schema, count, seed, now);
}

export function recordsFrom(
  vocab: Vocabulary,
  schema: SchemaDef,
  count: number,
  seed: number,
  now: number
): Record<string, unknown>[] {
  const isEvent = schema.class === 'event';
  const d = new Draw(seed, vocab, now, isEvent, forcedOs(schema));
  const compiled: Compiled[] = schema.fields.map((field, index) => ({
    field,
    index,
    value: fieldValue(field, schema),
    always: field.required === true || field.identity?.primary === true,
    scope: isEvent ? eventScope(field.path) : undefined
  }));
  // The event type goes first: which other fields an event has depends on it
  const lead = compiled.filter((c) => isEventTypeField(c.field));
  const rest = compiled.filter((c) => !isEventTypeField(c.field));
  const values: unknown[] = new Array<unknown>(compiled.length);

  const pool = Math.max(1, Math.ceil(count / EVENTS_PER_VISITOR));
  const visitors: Visitor[] = [];
  const records: Record<string, unknown>[] = new Array<Record<string, unknown>>(count);
  for (let i = 0; i < count; i++) {
    if (isEvent) {
      // Some visitors are far more active than others
      const v = Math.floor(Math.pow(d.rng.float(), 1.5) * pool);
      d.next((visitors[v] ??= new Visitor(d, v)));
    } else {
      d.next(new Visitor(d, i));
    }
    values.fill(undefined);
    for (const c of lead) values[c.index] = c.value(d);
    if (isEvent) {
      const type = lead.length > 0 ? values[lead[0].index] : undefined;
      d.eventType = typeof type === 'string' ? type : '';
      d.loggedIn = d.visitor.known && (d.eventType === 'user.login' || d.rng.chance(0.55));
    }
    for (const c of rest) {
      if (!c.always) {
        if (c.scope && d.eventType && d.eventType in EVENT_WEIGHTS && !c.scope(d.eventType)) continue;
        if (d.rng.float() < MISSING) continue;
      }
      values[c.index] = c.value(d);
    }
    const record: Record<string, unknown> = {};
    for (let f = 0; f < compiled.length; f++) {
      if (values[f] !== undefined) record[compiled[f].field.path] = values[f];
    }
    records[i] = record;
  }
  return records;
}

function isEventTypeField(field: FieldDef): boolean {
  return /(^|\.)eventtype$/i.test(field.path);
}

/** A schema whose primary identity is an advertising id describes only that platform's devices. */
function forcedOs(schema: SchemaDef): Os | undefined {
  const primary = schema.fields.find((f) => f.identity?.primary)?.identity?.namespace;
  return primary === 'IDFA' ? 'ios' : primary === 'GAID' ? 'android' : undefined;
}
