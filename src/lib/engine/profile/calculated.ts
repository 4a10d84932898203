// Calculated attributes: definitions, and their exact values over a profile's events.
import type { Database } from '../db/sqlite';
import { all, run } from '../db/sql';
import { CdpError, invalid } from '../errors';
import { newId, nowIso } from '../ids';
import type { CalculatedAttribute, CalculatedAttributeDef, CalculatedFunction, SchemaDef } from '../types';

const FUNCTIONS: CalculatedFunction[] = ['count', 'sum', 'min', 'max', 'avg', 'first', 'last', 'daysSince'];
const NUMERIC: CalculatedFunction[] = ['sum', 'min', 'max', 'avg'];
const NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const DAY = 86_400_000;

interface Row {
  id: string;
  name: string;
  def: string;
  created_at: string;
}

function fromRow(r: Row): CalculatedAttribute {
  const def = JSON.parse(r.def) as Omit<CalculatedAttribute, 'id' | 'name' | 'createdAt'>;
  return { id: r.id, name: r.name, ...def, createdAt: r.created_at };
}

export function listCalculated(db: Database): CalculatedAttribute[] {
  return all<Row>(db, { sql: 'SELECT * FROM calculated_attributes ORDER BY rowid' }).map(fromRow);
}

/** Checks a definition against the sandbox's event schemas (the field must be an event field). */
export function insertCalculated(
  db: Database,
  def: CalculatedAttributeDef,
  eventSchemas: SchemaDef[]
): CalculatedAttribute {
  if (!def || typeof def.name !== 'string' || !NAME.test(def.name)) {
    throw invalid('A calculated attribute needs a name of letters, digits and _ (e.g. cartAbandons30d).', {
      name: def?.name
    });
  }
  if (!FUNCTIONS.includes(def.function)) {
    throw invalid(`function is one of ${FUNCTIONS.join(', ')}.`, { function: def.function });
  }
  const fields = new Map(eventSchemas.flatMap((s) => s.fields.map((f) => [f.path, f] as const)));
  if (def.field !== undefined) {
    const f = fields.get(def.field);
    if (!f)
      throw invalid(`"${def.field}" is no field of an event schema in this sandbox.`, { field: def.field });
    if (NUMERIC.includes(def.function) && f.type !== 'number' && f.type !== 'integer') {
      throw invalid(`${def.function} needs a number field; ${def.field} is a ${f.type}.`, {
        field: def.field
      });
    }
  } else if (NUMERIC.includes(def.function)) {
    throw invalid(`${def.function} needs the event field it adds up (e.g. commerce.order.total).`);
  }
  if (def.eventType !== undefined && (typeof def.eventType !== 'string' || !def.eventType.trim())) {
    throw invalid('eventType is an event type such as commerce.purchase.');
  }
  const lookback = def.lookbackDays;
  if (lookback !== undefined && !(Number.isInteger(lookback) && lookback > 0 && lookback <= 3650)) {
    throw invalid('lookbackDays is a whole number of days from 1 to 3650.', { lookbackDays: lookback });
  }
  if (
    all(db, { sql: 'SELECT 1 FROM calculated_attributes WHERE name = ? COLLATE NOCASE', params: [def.name] })
      .length
  ) {
    throw new CdpError('already_exists', `A calculated attribute named "${def.name}" already exists.`);
  }
  const stored = {
    title: def.title?.trim() || def.name,
    function: def.function,
    eventType: def.eventType?.trim() ?? null,
    field: def.field ?? null,
    lookbackDays: lookback ?? null
  };
  const id = newId('calc');
  run(db, {
    sql: 'INSERT INTO calculated_attributes (id, name, def, created_at) VALUES (?,?,?,?)',
    params: [id, def.name, JSON.stringify(stored), nowIso()]
  });
  return fromRow({ id, name: def.name, def: JSON.stringify(stored), created_at: nowIso() });
}

export interface EventFacts {
  timestamp: string;
  eventType: string;
  data: Record<string, unknown>;
}

/** The attribute's value over every event of a profile; null when no event qualifies (count: 0). */
export function calculate(
  attr: CalculatedAttribute,
  events: EventFacts[],
  now: number
): number | string | null {
  const since = attr.lookbackDays === null ? null : new Date(now - attr.lookbackDays * DAY).toISOString();
  let n = 0;
  let sum = 0;
  let min: number | null = null;
  let max: number | null = null;
  let first: EventFacts | null = null;
  let last: EventFacts | null = null;
  for (const e of events) {
    if (attr.eventType !== null && e.eventType !== attr.eventType) continue;
    if (since !== null && e.timestamp <= since) continue;
    let x: number | null = null;
    if (attr.field !== null) {
      const v = e.data[attr.field];
      if (v === undefined || v === null) continue;
      if (typeof v === 'number') x = v;
    }
    n++;
    if (x !== null) {
      sum += x;
      if (min === null || x < min) min = x;
      if (max === null || x > max) max = x;
    }
    if (!first || e.timestamp < first.timestamp) first = e;
    if (!last || e.timestamp >= last.timestamp) last = e;
  }
  // Sums of money: round away binary fractions (0.1 + 0.2) without losing cents
  const tidy = (v: number) => Math.round(v * 1e6) / 1e6;
  const valueOf = (e: EventFacts | null) =>
    e === null ? null : attr.field === null ? e.timestamp : (e.data[attr.field] as number | string);
  switch (attr.function) {
    case 'count':
      return n;
    case 'sum':
      return tidy(sum);
    case 'min':
      return min;
    case 'max':
      return max;
    case 'avg':
      return n === 0 ? null : tidy(sum / n);
    case 'first':
      return valueOf(first);
    case 'last':
      return valueOf(last);
    case 'daysSince':
      return last === null ? null : Math.floor((now - Date.parse(last.timestamp)) / DAY);
  }
}
