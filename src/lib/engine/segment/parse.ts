// The audience rule language (DESIGN.md, "Audience rules"): a small PQL-like grammar parsed into an
// AST that keeps each node's line and column, so every later error can point at the text.
//
//   rule      := or
//   or        := and ('or' and)*
//   and       := unary ('and' unary)*
//   unary     := 'not' unary | '(' rule ')' | 'exists' path | test
//   test      := operand (cmp value | 'in' '[' value (',' value)* ']' | textop string)?   (bare: a boolean)
//   operand   := path | agg '(' 'events' ('.' path)? ('where' rule)? ')'
//   value     := number | string | true | false | 'now' (('+'|'-') number unit)?
import { CdpError } from '../errors';

export interface Pos {
  line: number;
  column: number;
}
export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type TextOp = 'startsWith' | 'endsWith' | 'contains';
export type AggregateFn = 'count' | 'sum' | 'min' | 'max' | 'avg';

export interface PathNode {
  kind: 'path';
  name: string;
  pos: Pos;
}
export interface AggregateNode {
  kind: 'aggregate';
  fn: AggregateFn;
  /** The event field aggregated (sum, min, max, avg); null for count */
  field: PathNode | null;
  where: RuleNode | null;
  pos: Pos;
}
export type ValueNode =
  | { kind: 'literal'; value: string | number | boolean; pos: Pos }
  /** now plus offsetMs (negative: in the past) */
  | { kind: 'now'; offsetMs: number; pos: Pos };
export type Operand = PathNode | AggregateNode;

export type RuleNode =
  | { kind: 'and' | 'or'; left: RuleNode; right: RuleNode; pos: Pos }
  | { kind: 'not'; rule: RuleNode; pos: Pos }
  | { kind: 'exists'; path: PathNode; pos: Pos }
  | { kind: 'compare'; left: Operand; op: CompareOp; right: ValueNode; pos: Pos }
  | { kind: 'in'; left: Operand; values: ValueNode[]; pos: Pos }
  | { kind: 'text'; left: Operand; op: TextOp; value: ValueNode; pos: Pos }
  | { kind: 'truthy'; left: Operand; pos: Pos };

type TokenKind = 'word' | 'number' | 'string' | 'op' | 'punct' | 'end';
interface Token {
  kind: TokenKind;
  text: string;
  value?: string | number;
  pos: Pos;
}

/** An error in a rule, at a line and column of its text. */
export function ruleError(pos: Pos, message: string): CdpError {
  return new CdpError('invalid_rule', `Line ${pos.line}, column ${pos.column}: ${message}`, {
    line: pos.line,
    column: pos.column
  });
}

const UNITS: Record<string, number> = {
  minute: 60_000,
  minutes: 60_000,
  hour: 3_600_000,
  hours: 3_600_000,
  day: 86_400_000,
  days: 86_400_000,
  week: 604_800_000,
  weeks: 604_800_000
};
const AGGREGATES = new Set<string>(['count', 'sum', 'min', 'max', 'avg']);
const TEXT_OPS = new Set<string>(['startsWith', 'endsWith', 'contains']);

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = (at: number): Pos => ({ line, column: at - lineStart + 1 });
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (/[A-Za-z_]/.test(c)) {
      // a path: identifiers joined by dots (person.address.state)
      const m = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(text.slice(i))!;
      i += m[0].length;
      out.push({ kind: 'word', text: m[0], pos: pos(start) });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(i))!;
      i += m[0].length;
      out.push({ kind: 'number', text: m[0], value: Number(m[0]), pos: pos(start) });
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\n') throw ruleError(pos(start), 'this text has no closing quote on its line.');
        if (text[j] === '\\' && j + 1 < text.length) {
          const e = text[j + 1];
          s += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          j += 2;
        } else s += text[j++];
      }
      if (j >= text.length) throw ruleError(pos(start), 'this text has no closing quote.');
      i = j + 1;
      out.push({ kind: 'string', text: text.slice(start, i), value: s, pos: pos(start) });
      continue;
    }
    const two = text.slice(i, i + 2);
    if (['<=', '>=', '!=', '==', '<>'].includes(two)) {
      i += 2;
      out.push({ kind: 'op', text: two === '==' ? '=' : two === '<>' ? '!=' : two, pos: pos(start) });
      continue;
    }
    if ('<>=+-'.includes(c)) {
      i++;
      out.push({ kind: 'op', text: c, pos: pos(start) });
      continue;
    }
    if ('()[],'.includes(c)) {
      i++;
      out.push({ kind: 'punct', text: c, pos: pos(start) });
      continue;
    }
    throw ruleError(pos(start), `"${c}" has no meaning in a rule.`);
  }
  out.push({ kind: 'end', text: '', pos: pos(i) });
  return out;
}

const describe = (t: Token) => (t.kind === 'end' ? 'the end of the rule' : `"${t.text}"`);

export function parseRule(text: string): RuleNode {
  if (typeof text !== 'string') throw new CdpError('invalid_argument', 'A rule is a text.');
  const tokens = tokenize(text);
  let k = 0;
  const peek = () => tokens[k];
  const next = () => tokens[k++];
  const isWord = (t: Token, w: string) => t.kind === 'word' && t.text === w;
  const expect = (kind: TokenKind, textOf: string, what: string) => {
    const t = next();
    if (t.kind !== kind || t.text !== textOf)
      throw ruleError(t.pos, `expected ${what}, found ${describe(t)}.`);
    return t;
  };
  const path = (t: Token, what: string): PathNode => {
    if (t.kind !== 'word') throw ruleError(t.pos, `expected ${what}, found ${describe(t)}.`);
    return { kind: 'path', name: t.text, pos: t.pos };
  };

  const value = (): ValueNode => {
    const t = next();
    if (t.kind === 'number' || t.kind === 'string') return { kind: 'literal', value: t.value!, pos: t.pos };
    if (t.kind === 'op' && t.text === '-' && peek().kind === 'number') {
      return { kind: 'literal', value: -(next().value as number), pos: t.pos };
    }
    if (isWord(t, 'true') || isWord(t, 'false'))
      return { kind: 'literal', value: t.text === 'true', pos: t.pos };
    if (isWord(t, 'now')) {
      const sign = peek();
      if (sign.kind !== 'op' || (sign.text !== '-' && sign.text !== '+'))
        return { kind: 'now', offsetMs: 0, pos: t.pos };
      next();
      const n = next();
      if (n.kind !== 'number') throw ruleError(n.pos, `expected a number of days after "now ${sign.text}".`);
      const u = next();
      const unit = u.kind === 'word' ? UNITS[u.text] : undefined;
      if (unit === undefined)
        throw ruleError(u.pos, `expected a unit (days, hours, minutes or weeks), found ${describe(u)}.`);
      return { kind: 'now', offsetMs: (sign.text === '-' ? -1 : 1) * (n.value as number) * unit, pos: t.pos };
    }
    throw ruleError(
      t.pos,
      `expected a value (a number, "text", true, false or now - 30 days), found ${describe(t)}.`
    );
  };

  const operand = (): Operand => {
    const t = next();
    if (t.kind === 'word' && AGGREGATES.has(t.text) && peek().text === '(') {
      next();
      const ev = next();
      if (ev.kind !== 'word' || (ev.text !== 'events' && !ev.text.startsWith('events.'))) {
        throw ruleError(ev.pos, `expected events inside ${t.text}(...), found ${describe(ev)}.`);
      }
      const fieldName = ev.text === 'events' ? null : ev.text.slice('events.'.length);
      const fn = t.text as AggregateFn;
      if (fn === 'count' && fieldName !== null) {
        throw ruleError(ev.pos, 'count counts events: write count(events where ...).');
      }
      if (fn !== 'count' && fieldName === null) {
        throw ruleError(
          ev.pos,
          `${fn} needs the event field it adds up: ${fn}(events.commerce.order.total ...).`
        );
      }
      let where: RuleNode | null = null;
      if (isWord(peek(), 'where')) {
        next();
        where = or();
      }
      expect('punct', ')', `")" to close ${t.text}(...)`);
      const field =
        fieldName === null
          ? null
          : { kind: 'path' as const, name: fieldName, pos: { ...ev.pos, column: ev.pos.column + 7 } };
      return { kind: 'aggregate', fn, field, where, pos: t.pos };
    }
    return path(t, 'an attribute, count(events ...) or "("');
  };

  const test = (): RuleNode => {
    const left = operand();
    const t = peek();
    if (t.kind === 'op' && ['=', '!=', '<', '<=', '>', '>='].includes(t.text)) {
      next();
      return { kind: 'compare', left, op: t.text as CompareOp, right: value(), pos: t.pos };
    }
    if (isWord(t, 'in')) {
      next();
      expect('punct', '[', '"[" to open the list of values');
      const values = [value()];
      while (peek().text === ',') {
        next();
        values.push(value());
      }
      expect('punct', ']', '"," or "]" to close the list');
      return { kind: 'in', left, values, pos: t.pos };
    }
    if (t.kind === 'word' && TEXT_OPS.has(t.text)) {
      next();
      return { kind: 'text', left, op: t.text as TextOp, value: value(), pos: t.pos };
    }
    return { kind: 'truthy', left, pos: left.pos };
  };

  const unary = (): RuleNode => {
    const t = peek();
    if (isWord(t, 'not')) {
      next();
      return { kind: 'not', rule: unary(), pos: t.pos };
    }
    if (t.text === '(' && t.kind === 'punct') {
      next();
      const inner = or();
      expect('punct', ')', '")"');
      return inner;
    }
    if (isWord(t, 'exists')) {
      next();
      return { kind: 'exists', path: path(next(), 'an attribute after exists'), pos: t.pos };
    }
    return test();
  };

  function and(): RuleNode {
    let left = unary();
    while (isWord(peek(), 'and')) {
      const t = next();
      left = { kind: 'and', left, right: unary(), pos: t.pos };
    }
    return left;
  }
  function or(): RuleNode {
    let left = and();
    while (isWord(peek(), 'or')) {
      const t = next();
      left = { kind: 'or', left, right: and(), pos: t.pos };
    }
    return left;
  }

  if (peek().kind === 'end') throw ruleError(peek().pos, 'the rule is empty.');
  const rule = or();
  const rest = peek();
  if (rest.kind !== 'end') {
    throw ruleError(rest.pos, `expected "and", "or" or the end of the rule, found ${describe(rest)}.`);
  }
  return rule;
}
