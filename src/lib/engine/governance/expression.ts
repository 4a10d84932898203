// A policy's deny expression over labels: a label id, or { and: [...] } / { or: [...] } nested.
import { invalid } from '../errors';
import type { LabelExpr } from '../types';
import { CUSTOM_LABEL_ID } from './labels';

/** Deeper than any policy a person writes; keeps a hostile expression from exhausting the stack. */
const MAX_DEPTH = 16;
const MAX_TERMS = 200;

/**
 * The expression checked and copied (no extra keys), each label in its stored spelling, or an error
 * that says where it is wrong.
 */
export function checkExpr(expr: unknown, spell: (id: string) => string = (id) => id): LabelExpr {
  let terms = 0;
  const walk = (e: unknown, at: string, depth: number): LabelExpr => {
    if (depth > MAX_DEPTH)
      throw invalid(`The deny expression nests deeper than ${MAX_DEPTH} levels (${at}).`);
    if (++terms > MAX_TERMS) throw invalid(`The deny expression has more than ${MAX_TERMS} terms.`);
    if (typeof e === 'string') {
      if (!CUSTOM_LABEL_ID.test(e))
        throw invalid(`${at}: "${e}" is not a label id such as C2 or THIRD_PARTY.`);
      return spell(e);
    }
    if (e && typeof e === 'object' && !Array.isArray(e)) {
      const keys = Object.keys(e);
      const op = keys[0];
      if (keys.length === 1 && (op === 'and' || op === 'or')) {
        const list = (e as Record<string, unknown>)[op];
        if (!Array.isArray(list) || list.length === 0) {
          throw invalid(`${at}: "${op}" holds a non-empty list of label expressions.`);
        }
        // Array.from visits holes too (map skips them), so a sparse list is refused, not stored
        const items = Array.from(list as unknown[], (x, i) => walk(x, `${at}.${op}[${i}]`, depth + 1));
        return op === 'and' ? { and: items } : { or: items };
      }
    }
    throw invalid(`${at}: a label expression is a label id, { "and": [...] } or { "or": [...] }.`, {
      expr: e
    });
  };
  return walk(expr, 'deny', 0);
}

/**
 * The labels that make the expression true for data carrying `labels`, or null when it is false.
 * An and is true when each part is, and names every part's labels; an or names the labels of each
 * part that is true, so the explanation lists all that would have denied on their own.
 */
export function denyingLabels(expr: LabelExpr, labels: ReadonlySet<string>): string[] | null {
  if (typeof expr === 'string') return labels.has(expr) ? [expr] : null;
  if ('and' in expr) {
    const out: string[] = [];
    for (const part of expr.and) {
      const hit = denyingLabels(part, labels);
      if (!hit) return null;
      out.push(...hit);
    }
    return [...new Set(out)];
  }
  const out: string[] = [];
  for (const part of expr.or) out.push(...(denyingLabels(part, labels) ?? []));
  return out.length ? [...new Set(out)] : null;
}

/** Every label id an expression names. */
export function exprLabels(expr: LabelExpr): string[] {
  if (typeof expr === 'string') return [expr];
  return [...new Set(('and' in expr ? expr.and : expr.or).flatMap(exprLabels))];
}

/** The expression in words, as the Policies screen shows it: THIRD_PARTY AND (C2 OR C4). */
export function exprText(expr: LabelExpr, nested = false): string {
  if (typeof expr === 'string') return expr;
  const [op, parts] = 'and' in expr ? ['AND', expr.and] : ['OR', expr.or];
  const text = parts.map((p) => exprText(p, true)).join(` ${op} `);
  return nested && parts.length > 1 ? `(${text})` : text;
}
