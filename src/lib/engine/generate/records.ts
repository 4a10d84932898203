// Seeded synthetic records for any dataset schema: flat objects keyed by field path, typed by the
// schema, made one at a time (a run of a million holds one chunk, never the run). Profiles get a new
// visitor per record (visitor i is record i); events are sessions of recurring visitors (./events.ts).
// The dials (./dials.ts) pick exact shares of records to reuse someone already in the sandbox
// (./existing.ts) or to carry a bad value (./messy.ts).
import { STANDARD_NAMESPACES } from '../catalog/namespaces';
import { DEFAULT_BLOCKED_VALUES } from '../identity/normalize';
import type { FieldDef, GenerateOptions, GenerateStats, NamespaceType, SchemaDef } from '../types';
import { generateSettings, Quota, type GenerateSettings } from './dials';
import { Draw, Visitor, type Os } from './draw';
import { eventRecords } from './events';
import type { ExistingPeople, ExistingPerson } from './existing';
import {
  coerce,
  eventScope,
  fieldValue,
  identityOf,
  standardDevices,
  type IsDevice,
  type ValueOf
} from './fields';
import { Mess } from './messy';
import { hashSeed, mixSeed, Random } from './random';
import { loadVocabulary, type Vocabulary } from './vocabulary';

export { DEFAULT_SEED, MAX_RECORDS } from './dials';

export type Row = Record<string, unknown>;

/** Real exports have gaps: this share of optional values is left out. */
export const MISSING = 0.05;
/** Records a chunk holds: what a run keeps in memory at once. */
export const CHUNK_RECORDS = 5_000;

/** Everything a run reads: the schema, the options, and what it needs to know of the sandbox. */
export interface RunEnv {
  vocab: Vocabulary;
  schema: SchemaDef;
  settings: GenerateSettings;
  /** Namespace code -> its type (the sandbox's namespaces; the standard ones without a sandbox) */
  typeOf: (namespace: string) => NamespaceType | undefined;
  /** Junk values the sandbox blocks, trimmed and lower-cased */
  blocked: ReadonlySet<string>;
  /** People already in the sandbox, for the overlap dial */
  existing?: ExistingPeople;
  /** How unique ids are made: 'claimed' only for the templates' small samples */
  ids?: 'constructed' | 'claimed';
}

export interface Compiled {
  field: FieldDef;
  index: number;
  value: ValueOf;
  /** Required fields and primary identities are never left out. */
  always: boolean;
  scope?: (eventType: string) => boolean;
}

/** What a run did, counted as it goes: the dials' effect before ingestion measures it. */
export function newStats(s?: GenerateSettings): GenerateStats {
  return {
    dials: {
      overlap: s?.overlap ?? 0,
      anonymous: s?.anonymous ?? 0,
      sharedDevices: s?.sharedDevices ?? 0,
      messiness: s?.messiness ?? 0
    },
    records: 0,
    overlapRecords: 0,
    overlapAvailable: false,
    refusedRecords: 0,
    flawedRecords: 0,
    events: 0,
    anonymousEvents: 0,
    devices: 0,
    sharedDevices: 0,
    errorThreshold: null
  };
}

export function compile(schema: SchemaDef, isDevice: IsDevice): Compiled[] {
  const isEvent = schema.class === 'event';
  return schema.fields.map((field, index) => ({
    field,
    index,
    value: fieldValue(field, schema, isDevice),
    always: field.required === true || field.identity?.primary === true,
    scope: isEvent ? eventScope(field.path) : undefined
  }));
}

export function isEventTypeField(field: FieldDef): boolean {
  return /(^|\.)eventtype$/i.test(field.path);
}

/** A schema whose primary identity is an advertising id describes only that platform's devices. */
export function forcedOs(schema: SchemaDef): Os | undefined {
  const primary = schema.fields.find((f) => f.identity?.primary)?.identity?.namespace;
  return primary === 'IDFA' ? 'ios' : primary === 'GAID' ? 'android' : undefined;
}

const STANDARD_TYPES = new Map(STANDARD_NAMESPACES.map((n) => [n.code, n.type]));

export const deviceTest =
  (typeOf: RunEnv['typeOf']): IsDevice =>
  (namespace) => {
    const type = typeOf(namespace);
    return type === undefined ? standardDevices(namespace) : type === 'device' || type === 'cookie';
  };

/** The dials' random streams: each its own, so turning one does not reshuffle the others. */
export class DialStreams {
  readonly overlap: Quota;
  readonly refused: Quota;
  readonly flawed: Quota;
  readonly pick: Random;
  readonly mess: Random;

  constructor(s: GenerateSettings) {
    const stream = (name: string) => new Random(mixSeed(s.seed, hashSeed('dial', name)));
    this.overlap = new Quota(s.overlap, stream('overlap'));
    this.refused = new Quota(s.messiness, stream('messiness'));
    // flaws ingestion cannot see: half as many again, among the records not refused
    this.flawed = new Quota(s.messiness / 2, stream('flaws'));
    this.pick = stream('pick');
    this.mess = stream('mess');
  }
}

/** Makes one record bad or flawed as the messiness quota says; the record keeps its identity otherwise. */
export function applyMess(
  record: Row,
  mess: Mess,
  dials: DialStreams,
  stats: GenerateStats,
  opts: { protect: boolean; overlap: boolean }
): void {
  if (opts.protect) {
    // left alone, but counted: the next records make up the share
    dials.refused.settle(1, 0);
    return;
  }
  if (dials.refused.take()) {
    mess.refuse(record, dials.mess);
    stats.refusedRecords++;
  } else if (!opts.overlap && dials.flawed.take() && mess.flaw(record, dials.mess)) {
    stats.flawedRecords++;
  }
}

/** The record becomes that person: their ids where the schema has their namespaces, their name and address. */
export function becomeExisting(record: Row, schema: SchemaDef, person: ExistingPerson): void {
  for (const f of schema.fields) {
    if (f.identity) {
      const id = person.ids.get(f.identity.namespace);
      if (id !== undefined) record[f.path] = f.type === 'string' ? id : coerce(f.type, id);
      continue;
    }
    if (!f.path.startsWith('person.') || !person.attrs) continue;
    const v = person.attrs[f.path];
    if (fits(f, v)) record[f.path] = v;
  }
}

/** A stored value the field can take as it is. */
function fits(f: FieldDef, v: unknown): boolean {
  if (v === undefined || v === null) return false;
  switch (f.type) {
    case 'string':
      return typeof v === 'string' && (!f.enum || f.enum.includes(v));
    case 'number':
      return typeof v === 'number';
    case 'integer':
      return Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'date':
      return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);
    case 'datetime':
      return typeof v === 'string';
  }
}

/** Profiles: visitor i is record i, so datasets generated with one seed join up by index. */
function* profileRecords(env: RunEnv, stats: GenerateStats): Generator<Row> {
  const { schema, settings, vocab } = env;
  const isDevice = deviceTest(env.typeOf);
  const d = new Draw(settings.seed, vocab, settings.now, false, forcedOs(schema), env.ids);
  const compiled = compile(schema, isDevice);
  // The event type goes first: which other fields an event has depends on it
  const lead = compiled.filter((c) => isEventTypeField(c.field));
  const rest = compiled.filter((c) => !isEventTypeField(c.field));
  const identities = compiled.filter((c) => c.field.identity);
  const values: unknown[] = new Array<unknown>(compiled.length);
  const dials = new DialStreams(settings);
  const mess = new Mess(schema, { typeOf: env.typeOf, blocked: env.blocked, now: settings.now });
  const existing = env.existing?.available ? env.existing : undefined;
  stats.overlapAvailable = existing !== undefined;

  for (let i = 0; i < settings.count; i++) {
    d.next(new Visitor(d, i));
    values.fill(undefined);
    for (const c of lead) values[c.index] = c.value(d);
    for (const c of rest) {
      if (!c.always && d.rng.float() < MISSING) continue;
      values[c.index] = c.value(d);
    }
    // A schema without a primary identity still gets one identity on every record, or the row would fail
    if (identities.length && identities.every((c) => values[c.index] === undefined)) {
      const c = identities.find((c) => !isDevice(c.field.identity!.namespace)) ?? identities[0];
      values[c.index] = identityOf(c.field)(d, d.visitor);
    }
    const record = Object.create(null) as Row;
    for (let f = 0; f < compiled.length; f++) {
      if (values[f] !== undefined) record[compiled[f].field.path] = values[f];
    }
    let overlap = false;
    if (existing && dials.overlap.take()) {
      const person = existing.pick(dials.pick);
      if (person) {
        becomeExisting(record, schema, person);
        overlap = true;
        stats.overlapRecords++;
      }
    }
    applyMess(record, mess, dials, stats, { protect: false, overlap });
    stats.records++;
    yield record;
  }
}

/** Every record of a run, one at a time. */
export function recordStream(env: RunEnv, stats: GenerateStats = newStats(env.settings)): Generator<Row> {
  return env.schema.class === 'event' ? eventRecords(env, stats) : profileRecords(env, stats);
}

/** The records in chunks of `size`: what a run holds at once. */
export function* inChunks(records: Iterator<Row>, size = CHUNK_RECORDS): Generator<Row[]> {
  let chunk: Row[] = [];
  for (let r = records.next(); !r.done; r = records.next()) {
    chunk.push(r.value);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length) yield chunk;
}

/** A run without a sandbox: the standard namespaces and junk values, nobody to overlap with. */
export function standaloneEnv(vocab: Vocabulary, schema: SchemaDef, settings: GenerateSettings): RunEnv {
  return {
    vocab,
    schema,
    settings,
    typeOf: (ns) => STANDARD_TYPES.get(ns),
    blocked: new Set(DEFAULT_BLOCKED_VALUES)
  };
}

/** All records of a small run as an array (tests and tools; the sandbox streams instead). */
export async function generateRecords(schema: SchemaDef, opts: GenerateOptions): Promise<Row[]> {
  const settings = generateSettings(opts);
  return [...recordStream(standaloneEnv(await loadVocabulary(), schema, settings))];
}

/**
 * The templates' samples: profile records made as they always were (ids remembered, not
 * constructed), so the demo people of a seed never change.
 */
export function recordsFrom(
  vocab: Vocabulary,
  schema: SchemaDef,
  count: number,
  seed: number,
  now: number
): Row[] {
  const settings = generateSettings({ count, seed, now, anonymous: 0 });
  return [
    ...profileRecords({ ...standaloneEnv(vocab, schema, settings), ids: 'claimed' }, newStats(settings))
  ];
}
