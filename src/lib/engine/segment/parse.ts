// The audience rule language (docs/ARCHITECTURE.md, "Rules of the contract"): a small PQL-like grammar parsed into an
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

/**
 * Limits no real rule reaches, so a hostile or runaway rule is refused with its position instead of
 * overflowing the parser's stack, SQLite's expression depth (1,000) or its bound variables (32,766).
 */
export const RULE_LIMITS = {
  /** characters in a rule (a list of 100,000 postal codes fits) */
  length: 2_000_000,
  /** nesting of "(", not and count(...): each level is a level of the parser and of the SQL */
  depth: 64,
  /** tests (comparisons, in, exists, ...) in one rule */
  tests: 1_000,
  /** values in one in [...] list (long lists are bound as one value, see ./compile.ts) */
  listValues: 100_000,
  /** characters in one "text" value */
  text: 10_000,
  /** characters in one attribute name */
  name: 1_000,
  /** now +/- at most this many days (100 years), so every time stays a real date */
  offsetDays: 36_525
} as const;

const fmt = (n: number) => n.toLocaleString('en-US');
/** A token as an error message quotes it: a hostile rule's megabyte of text is not repeated. */
const clip = (t: string) => (t.length > 40 ? `${t.slice(0, 40)}...` : t);

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

// sticky, so each token is matched where it stands without copying the rest of the rule
const WORD = /[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/y;
const NUMBER = /(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/y;
const DIGITS = /^\d+$/;

function match(re: RegExp, text: string, at: number): string {
  re.lastIndex = at;
  return re.exec(text)![0];
}

/** The line and column of a character of the text. */
function positionOf(text: string, at: number): Pos {
  const before = text.slice(0, at);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: at - lineStart + 1 };
}

/** A number token's value: finite, and an integer written in digits only when it is kept exactly. */
function numberValue(textOf: string, at: Pos): number {
  const v = Number(textOf);
  if (!Number.isFinite(v)) {
    throw ruleError(at, `${clip(textOf)} is beyond the largest number a rule can hold (about 1.8e308).`);
  }
  if (DIGITS.test(textOf) && !Number.isSafeInteger(v)) {
    throw ruleError(
      at,
      `${clip(textOf)} has more digits than a rule keeps exactly (whole numbers up to ${fmt(Number.MAX_SAFE_INTEGER)}).`
    );
  }
  return v;
}

function tokenize(text: string): Token[] {
  if (text.length > RULE_LIMITS.length) {
    throw ruleError(
      positionOf(text, RULE_LIMITS.length),
      `a rule is at most ${fmt(RULE_LIMITS.length)} characters; this one has ${fmt(text.length)}.`
    );
  }
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
      const word = match(WORD, text, i);
      if (word.length > RULE_LIMITS.name) {
        throw ruleError(
          pos(start),
          `a name is at most ${fmt(RULE_LIMITS.name)} characters; this one has ${fmt(word.length)}.`
        );
      }
      i += word.length;
      out.push({ kind: 'word', text: word, pos: pos(start) });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const num = match(NUMBER, text, i);
      i += num.length;
      out.push({ kind: 'number', text: num, value: numberValue(num, pos(start)), pos: pos(start) });
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\n') throw ruleError(pos(start), 'this text has no closing quote on its line.');
        if (s.length >= RULE_LIMITS.text) {
          throw ruleError(pos(start), `a text value is at most ${fmt(RULE_LIMITS.text)} characters.`);
        }
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

const describe = (t: Token) => (t.kind === 'end' ? 'the end of the rule' : `"${clip(t.text)}"`);

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
  // how deep "(", not and count(...) are nested here, and how many tests the rule has so far
  let depth = 0;
  let tests = 0;
  let inAggregate = false;
  const nested = <T>(t: Token, inner: () => T): T => {
    if (++depth > RULE_LIMITS.depth) {
      throw ruleError(t.pos, `a rule nests "(", not and count(...) at most ${RULE_LIMITS.depth} deep.`);
    }
    try {
      return inner();
    } finally {
      depth--;
    }
  };
  const counted = (at: Pos) => {
    if (++tests > RULE_LIMITS.tests) {
      throw ruleError(at, `a rule holds at most ${fmt(RULE_LIMITS.tests)} tests; this is one more.`);
    }
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
      const offsetMs = (n.value as number) * unit;
      if (offsetMs > RULE_LIMITS.offsetDays * UNITS.day) {
        throw ruleError(
          n.pos,
          `a time is at most 100 years (${fmt(RULE_LIMITS.offsetDays)} days) from now; this is ${clip(n.text)} ${u.text}.`
        );
      }
      return { kind: 'now', offsetMs: (sign.text === '-' ? -1 : 1) * offsetMs, pos: t.pos };
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
      // an aggregate inside another's where would be computed again for every event of the outer one
      if (inAggregate)
        throw ruleError(t.pos, `${t.text}(...) cannot stand inside another count, sum, min, max or avg.`);
      let where: RuleNode | null = null;
      if (isWord(peek(), 'where')) {
        next();
        inAggregate = true;
        try {
          where = nested(t, or);
        } finally {
          inAggregate = false;
        }
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
    counted(peek().pos);
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
        const comma = next();
        if (values.length >= RULE_LIMITS.listValues) {
          throw ruleError(comma.pos, `an in [...] list holds at most ${fmt(RULE_LIMITS.listValues)} values.`);
        }
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
      return { kind: 'not', rule: nested(t, unary), pos: t.pos };
    }
    if (t.text === '(' && t.kind === 'punct') {
      next();
      const inner = nested(t, or);
      expect('punct', ')', '")"');
      return inner;
    }
    if (isWord(t, 'exists')) {
      counted(t.pos);
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
