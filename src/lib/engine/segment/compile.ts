// Audience rules -> SQL over the profile snapshot (./snapshot.ts), values always bound, never spliced.
// A test on a missing value is NULL, which WHERE, AND and OR already read as false; only `not` needs
// it made false first (coalesce), so `not` passes it: two-valued logic, at no cost to plain tests.
import { kindSql } from '../profile/kind';
import { recordFieldSql, type RecordLayout } from '../catalog/recordValues';
import { coerce } from '../ingest/values';
import type { CalculatedAttribute, FieldDef } from '../types';
import {
  parseRule,
  ruleError,
  type AggregateNode,
  type Operand,
  type PathNode,
  type Pos,
  type RuleNode,
  type ValueNode
} from './parse';

type ValueType = 'number' | 'string' | 'boolean' | 'date' | 'datetime';
type Param = string | number | null;

/** Who a profile is, readable in rules: profile.kind = "prospect" */
export const PROFILE_KIND = 'profile.kind';

export interface RuleContext {
  /** Profile attributes by field path: their type and snapshot column */
  attributes: Map<string, { type: FieldDef['type']; column: string }>;
  eventFields: Map<string, FieldDef['type']>;
  calculated: Map<string, CalculatedAttribute>;
  /** The profile-enabled event datasets, with the field order their records store values in */
  eventDatasets: RecordLayout[];
  /** Ids of the partner datasets, for profile.kind (../profile/kind.ts) */
  partnerDatasets: string[];
  stitching: 'privateGraph' | 'none';
  now: number;
  /** Parameter names are :<prefix>1, :<prefix>2, ... (default r), so two rules can share one query */
  paramPrefix?: string;
}

export interface CompiledRule {
  /** A condition on the snapshot row `p`, with named parameters (:r1, :r2, ...) */
  where: string;
  params: Record<string, Param>;
  /**
   * What the rule reads, for governance lineage: profile attribute paths, event field paths (eventType
   * and timestamp included) and calculated attributes as calc.<name>
   */
  fields: string[];
}

const DAY = 86_400_000;
/** Lists longer than this are bound as one JSON array, so no list runs into SQLite's 32,766 variables. */
const LIST_BOUND_ONE_BY_ONE = 10;
/** Bound values one rule may use, half of SQLite's 32,766, so two rules fit in one overlap query. */
const MAX_PARAMS = 16_000;

const typeOf = (t: FieldDef['type']): ValueType => (t === 'integer' ? 'number' : t);

/**
 * A list value as JSON that SQLite reads back as the same value: a large whole number in JSON's
 * digits would be read as a 64-bit integer (not the double), so numbers past 2^53 go in exponent form.
 */
function jsonValue(v: Param): string {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? String(v) : v.toExponential();
  return JSON.stringify(v);
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const keep = d[j];
      d[j] = Math.min(
        d[j] + 1,
        d[j - 1] + 1,
        prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1)
      );
      prev = keep;
    }
  }
  return d[b.length];
}

function unknown(pos: Pos, what: string, name: string, known: Iterable<string>): Error {
  const limit = Math.max(2, name.length / 3);
  // a name whose length alone is too far off cannot be the one meant: skip the costly distance
  const best = [...known]
    .filter((k) => Math.abs(k.length - name.length) <= limit)
    .map((k) => [k, distance(name, k)] as const)
    .sort((a, b) => a[1] - b[1])[0];
  const hint = best && best[1] <= limit ? ` Did you mean ${best[0]}?` : '';
  return ruleError(pos, `${name} is not ${what} in this sandbox.${hint}`);
}

export function compileRule(text: string, ctx: RuleContext): CompiledRule {
  return compileAst(parseRule(text), ctx);
}

function compileAst(ast: RuleNode, ctx: RuleContext): CompiledRule {
  const params: Record<string, Param> = {};
  const fields = new Set<string>();
  // one parameter per distinct value: a dataset id or field path used by many tests is bound once
  const names = new Map<string, string>();
  const bind = (v: Param) => {
    const key = `${typeof v}:${String(v)}`;
    let name = names.get(key);
    if (name === undefined) {
      name = `:${ctx.paramPrefix ?? 'r'}${names.size + 1}`;
      names.set(key, name);
      params[name] = v;
    }
    return name;
  };

  // A profile's events through its identities (CROSS JOIN keeps that order, and the unary + keeps
  // the planner off the dataset index, which would scan every event of a dataset per profile)
  const eventScope = () => {
    const from =
      ctx.stitching === 'none'
        ? 'FROM records e WHERE e.fkey = p.pid'
        : 'FROM identities m CROSS JOIN records e ON e.fkey = m.iid WHERE m.comp = p.pid';
    const datasets = ctx.eventDatasets.length
      ? `+e.dataset_id IN (${ctx.eventDatasets.map((d) => bind(d.id)).join(', ')})`
      : '0';
    return `${from} AND ${datasets}`;
  };

  /** A field of the event `e`, in whichever event dataset it is stored (../catalog/recordValues.ts) */
  const fieldSql = new Map<string, string>();
  const eventField = (path: string) => {
    let sql = fieldSql.get(path);
    if (sql === undefined) fieldSql.set(path, (sql = recordFieldSql('e', ctx.eventDatasets, path, bind)));
    return sql;
  };
  const timestamp = () => `coalesce(${eventField('timestamp')}, e.ts)`;

  /** An operand as SQL, with its type; inEvent: paths name fields of one event `e`. */
  const operand = (o: Operand, inEvent: boolean): { sql: string; type: ValueType } => {
    if (o.kind === 'aggregate') return aggregate(o);
    return inEvent ? eventPath(o) : profilePath(o);
  };

  const profilePath = (p: PathNode): { sql: string; type: ValueType } => {
    if (p.name.startsWith('calc.')) return calculated(p);
    const attr = ctx.attributes.get(p.name);
    if (!attr && p.name === PROFILE_KIND) return profileKind();
    if (!attr) {
      throw unknown(p.pos, 'a profile attribute', p.name, [
        ...ctx.attributes.keys(),
        PROFILE_KIND,
        ...[...ctx.calculated.keys()].map((n) => `calc.${n}`)
      ]);
    }
    fields.add(p.name);
    return { sql: `p."${attr.column}"`, type: typeOf(attr.type) };
  };

  /** customer, prospect or anonymous, decided by the same SQL as everywhere else (../profile/kind.ts) */
  const profileKind = (): { sql: string; type: ValueType } => {
    const partner = ctx.partnerDatasets.map(bind).join(', '); // SQLite takes IN () as false
    const where = ctx.stitching === 'none' ? 'r.fkey = p.pid' : 'i.comp = p.pid';
    return { sql: `(SELECT kind FROM (${kindSql(partner, where)}))`, type: 'string' };
  };

  const eventPath = (p: PathNode): { sql: string; type: ValueType } => {
    if (p.name === 'eventType' || p.name === 'timestamp') fields.add(p.name);
    if (p.name === 'eventType') return { sql: eventField('eventType'), type: 'string' };
    if (p.name === 'timestamp') return { sql: timestamp(), type: 'datetime' };
    const t = ctx.eventFields.get(p.name);
    if (!t)
      throw unknown(p.pos, 'an event field', p.name, ['eventType', 'timestamp', ...ctx.eventFields.keys()]);
    fields.add(p.name);
    return { sql: eventField(p.name), type: typeOf(t) };
  };

  const aggregate = (a: AggregateNode): { sql: string; type: ValueType } => {
    let x = '';
    if (a.field) {
      const f = eventPath(a.field);
      if (f.type !== 'number')
        throw ruleError(a.field.pos, `${a.fn} needs a number field; ${a.field.name} is a ${f.type}.`);
      x = f.sql;
    }
    const fn = a.fn === 'count' ? 'count(*)' : a.fn === 'sum' ? `coalesce(sum(${x}), 0)` : `${a.fn}(${x})`;
    const scope = eventScope();
    const where = a.where ? ` AND ${rule(a.where, true)}` : '';
    return { sql: `(SELECT ${fn} ${scope}${where})`, type: 'number' };
  };

  /** A calculated attribute, computed in SQL exactly as ../profile/calculated.ts computes it. */
  const calculated = (p: PathNode): { sql: string; type: ValueType } => {
    const name = p.name.slice('calc.'.length);
    const c = ctx.calculated.get(name);
    if (!c)
      throw unknown(
        p.pos,
        'a calculated attribute',
        p.name,
        [...ctx.calculated.keys()].map((n) => `calc.${n}`)
      );
    fields.add(p.name);
    const x = c.field === null ? null : eventField(c.field);
    const scope = eventScope();
    let filter = '';
    if (c.eventType !== null) filter += ` AND ${eventField('eventType')} = ${bind(c.eventType)}`;
    if (c.lookbackDays !== null)
      filter += ` AND ${timestamp()} > ${bind(new Date(ctx.now - c.lookbackDays * DAY).toISOString())}`;
    if (x !== null) filter += ` AND ${x} IS NOT NULL`;
    const fieldType = c.field === null ? 'datetime' : typeOf(ctx.eventFields.get(c.field) ?? 'string');
    const sub = (select: string, tail = '') => `(SELECT ${select} ${scope}${filter}${tail})`;
    switch (c.function) {
      case 'count':
        return { sql: sub('count(*)'), type: 'number' };
      case 'sum':
        return { sql: sub(`round(coalesce(sum(${x}), 0), 6)`), type: 'number' };
      case 'avg':
        return { sql: sub(`round(avg(${x}), 6)`), type: 'number' };
      case 'min':
      case 'max':
        return { sql: sub(`${c.function}(${x})`), type: 'number' };
      case 'first':
      case 'last':
        return {
          sql: sub(
            x ?? timestamp(),
            ` ORDER BY ${timestamp()} ${c.function === 'first' ? 'ASC' : 'DESC'} LIMIT 1`
          ),
          type: fieldType
        };
      case 'daysSince':
        return {
          sql: sub(
            `(CAST(${bind(ctx.now)} AS INTEGER) - CAST(round(unixepoch(max(${timestamp()}), 'subsec') * 1000) AS INTEGER)) / ${DAY}`
          ),
          type: 'number'
        };
    }
  };

  /** A value checked against the type it is compared with, as it is bound. */
  const literal = (v: ValueNode, want: ValueType, subject: string): Param => {
    if (v.kind === 'now') {
      if (want !== 'date' && want !== 'datetime')
        throw ruleError(v.pos, `${subject} is a ${want}, not a time.`);
      const iso = new Date(ctx.now + v.offsetMs).toISOString();
      return want === 'date' ? iso.slice(0, 10) : iso;
    }
    const got = typeof v.value;
    if (want === 'number' && got !== 'number')
      throw ruleError(v.pos, `${subject} is a number; compare it with a number.`);
    if (want === 'boolean' && got !== 'boolean') throw ruleError(v.pos, `${subject} is true or false.`);
    if ((want === 'string' || want === 'date' || want === 'datetime') && got !== 'string') {
      throw ruleError(v.pos, `${subject} is a ${want}; write the value in quotes.`);
    }
    // a date is compared with a date, by the rules ingest reads dates with: "yesterday" or
    // "2024-99-99" compared as text matched most profiles, or none
    if ((want === 'date' || want === 'datetime') && !isDateText(v.value as string, want))
      throw ruleError(
        v.pos,
        want === 'date'
          ? `${subject} is a date; compare it with one such as "2024-01-31".`
          : `${subject} is a date-time; compare it with one such as "2024-01-31T09:00:00Z" or a date.`
      );
    return typeof v.value === 'boolean' ? (v.value ? 1 : 0) : v.value;
  };
  const value = (v: ValueNode, want: ValueType, subject: string) => bind(literal(v, want, subject));

  /** The right side of IN: a few values bound one by one, a long list as one JSON array. */
  const list = (values: ValueNode[], want: ValueType, subject: string): string => {
    if (values.length <= LIST_BOUND_ONE_BY_ONE) return values.map((v) => value(v, want, subject)).join(', ');
    const json = values.map((v) => jsonValue(literal(v, want, subject))).join(',');
    return `SELECT value FROM json_each(${bind(`[${json}]`)})`;
  };

  /** An and/or chain as a balanced tree: SQLite parses a AND b AND c ... one level deeper per term. */
  const chain = (n: RuleNode & { kind: 'and' | 'or' }, inEvent: boolean): string => {
    const terms: RuleNode[] = [];
    const todo: RuleNode[] = [n];
    while (todo.length) {
      const t = todo.pop()!;
      if (t.kind === n.kind) todo.push(t.right, t.left);
      else terms.push(t);
    }
    const sql = terms.map((t) => rule(t, inEvent));
    const join = (from: number, to: number): string =>
      to - from === 1
        ? sql[from]
        : `(${join(from, (from + to) >> 1)} ${n.kind.toUpperCase()} ${join((from + to) >> 1, to)})`;
    return join(0, sql.length);
  };

  const subjectOf = (o: Operand) => (o.kind === 'path' ? o.name : `${o.fn}(...)`);

  const rule = (n: RuleNode, inEvent: boolean): string => {
    switch (n.kind) {
      case 'and':
      case 'or':
        return chain(n, inEvent);
      case 'not':
        return `(NOT coalesce(${rule(n.rule, inEvent)}, 0))`;
      case 'exists': {
        const o = operand(n.path, inEvent);
        return `(${o.sql} IS NOT NULL)`;
      }
      case 'compare': {
        const o = operand(n.left, inEvent);
        if (o.type === 'boolean' && n.op !== '=' && n.op !== '!=') {
          throw ruleError(n.pos, `${subjectOf(n.left)} is true or false: use = or !=.`);
        }
        return `(${o.sql} ${n.op} ${value(n.right, o.type, subjectOf(n.left))})`;
      }
      case 'in': {
        const o = operand(n.left, inEvent);
        if (o.type === 'boolean') throw ruleError(n.pos, `${subjectOf(n.left)} is true or false: use =.`);
        return `(${o.sql} IN (${list(n.values, o.type, subjectOf(n.left))}))`;
      }
      case 'text': {
        const o = operand(n.left, inEvent);
        if (o.type !== 'string')
          throw ruleError(n.pos, `${n.op} compares text; ${subjectOf(n.left)} is a ${o.type}.`);
        const lit = value(n.value, 'string', subjectOf(n.left));
        // case-insensitive, as a marketer reads "@gmail.com"
        if (n.op === 'startsWith') return `(substr(lower(${o.sql}), 1, length(${lit})) = lower(${lit}))`;
        if (n.op === 'endsWith') return `(substr(lower(${o.sql}), -length(${lit})) = lower(${lit}))`;
        return `(instr(lower(${o.sql}), lower(${lit})) > 0)`;
      }
      case 'truthy': {
        const o = operand(n.left, inEvent);
        if (n.left.kind === 'aggregate') return `((${o.sql}) > 0)`;
        if (o.type !== 'boolean') {
          throw ruleError(
            n.pos,
            `${subjectOf(n.left)} is a ${o.type}: compare it (${subjectOf(n.left)} = ...) or test exists ${subjectOf(n.left)}.`
          );
        }
        return `(${o.sql} = 1)`;
      }
    }
  };

  const where = rule(ast, false);
  // not reached within the parser's limits (1,000 tests, long lists bound as one value): a last guard
  if (names.size > MAX_PARAMS) {
    throw ruleError(ast.pos, `this rule needs more than ${MAX_PARAMS.toLocaleString('en-US')} values.`);
  }
  return { where, params, fields: [...fields] };
}

/** Text a date field (or a date-time field, which also takes a date) would store as such. */
function isDateText(text: string, type: 'date' | 'datetime'): boolean {
  const as = (t: 'date' | 'datetime') => coerce(text, { path: 'rule', type: t }).ok;
  return as('date') || (type === 'datetime' && as('datetime'));
}
