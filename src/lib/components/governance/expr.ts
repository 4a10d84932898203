// Deny expressions on the page side: how the Policies screen writes them in words, edits them as a tree
// of groups, and tells a draft's effect. The engine decides what is enforced; this only shows it.
import type { Dataset, Label, LabelExpr, Policy, Schema } from '$lib/engine/types';

export type Op = 'and' | 'or';
export interface LabelNode {
  key: number;
  kind: 'label';
  label: string;
}
export interface GroupNode {
  key: number;
  kind: 'group';
  op: Op;
  items: ExprNode[];
}
export type ExprNode = LabelNode | GroupNode;

/** The engine's nesting limit (governance/expression.ts), counting the top level. */
export const MAX_DEPTH = 16;

/** The order the label catalog is shown in; a category a sandbox adds comes after these. */
export const CATEGORY_ORDER = ['Contract', 'Identity', 'Sensitive', 'Partner ecosystem', 'Custom'];

let nextKey = 1;
const key = () => nextKey++;

export const labelNode = (label: string): LabelNode => ({ key: key(), kind: 'label', label });
export const groupNode = (op: Op, items: ExprNode[] = []): GroupNode => ({
  key: key(),
  kind: 'group',
  op,
  items
});

/** An expression as the builder's tree: the top level is always a group. */
export function toTree(expr: LabelExpr | undefined): GroupNode {
  const node = (e: LabelExpr): ExprNode =>
    typeof e === 'string'
      ? labelNode(e)
      : 'and' in e
        ? groupNode('and', e.and.map(node))
        : groupNode('or', e.or.map(node));
  if (expr === undefined) return groupNode('and');
  const top = node(expr);
  return top.kind === 'group' ? top : groupNode('and', [top]);
}

/** The tree as the engine's expression; a group of one item is that item. Null while the top is empty. */
export function fromTree(group: GroupNode): LabelExpr | null {
  const expr = (n: ExprNode): LabelExpr | null => {
    if (n.kind === 'label') return n.label;
    const parts = n.items.map(expr).filter((p): p is LabelExpr => p !== null);
    if (parts.length === 0) return null;
    if (parts.length === 1) return parts[0];
    return n.op === 'and' ? { and: parts } : { or: parts };
  };
  return expr(group);
}

/** The name a nested group goes by on screen and for assistive technology: Group 1, Group 1.2, ... */
export const childTitle = (parent: string | null, n: number) => (parent ? `${parent}.${n}` : `Group ${n}`);

/** What keeps the tree from being saved (an empty group), said so a person can find it; null when none. */
export function treeProblem(group: GroupNode): string | null {
  if (group.items.length === 0) return 'Add at least one label to the deny expression.';
  const walk = (g: GroupNode, title: string | null): string | null => {
    let n = 0;
    for (const item of g.items) {
      if (item.kind !== 'group') continue;
      const t = childTitle(title, ++n);
      if (item.items.length === 0) return `${t} is empty: add a label to it or remove it.`;
      const inner = walk(item, t);
      if (inner) return inner;
    }
    return null;
  };
  return walk(group, null);
}

/** The expression in words: THIRD_PARTY AND (I1 OR C2). */
export function exprText(expr: LabelExpr, nested = false): string {
  if (typeof expr === 'string') return expr;
  const [op, parts] = 'and' in expr ? ['AND', expr.and] : ['OR', expr.or];
  const text = parts.map((p) => exprText(p, true)).join(` ${op} `);
  return nested && parts.length > 1 ? `(${text})` : text;
}

/** Every label an expression names, once each, in order. */
export function exprLabels(expr: LabelExpr): string[] {
  if (typeof expr === 'string') return [expr];
  return [...new Set(('and' in expr ? expr.and : expr.or).flatMap(exprLabels))];
}

/** Labels grouped by category, in catalog order. */
export function byCategory(labels: readonly Label[]): { category: string; labels: Label[] }[] {
  const groups = new Map<string, Label[]>();
  for (const c of CATEGORY_ORDER) groups.set(c, []);
  for (const l of labels) {
    const list = groups.get(l.category);
    if (list) list.push(l);
    else groups.set(l.category, [l]);
  }
  return [...groups].map(([category, labels]) => ({ category, labels }));
}

/** The titles of a group's nested groups, by key: Group 1, Group 2 at the top; Group 1.1 inside Group 1. */
export function childTitles(group: GroupNode, title: string | null): Map<number, string> {
  const out = new Map<number, string>();
  let n = 0;
  for (const item of group.items) if (item.kind === 'group') out.set(item.key, childTitle(title, ++n));
  return out;
}

/** How many fields carry each label: a schema's fields, with the labels of its datasets inherited. */
export function fieldCounts(schemas: readonly Schema[], datasets: readonly Dataset[]): Map<string, number> {
  const carriers = new Map<string, Set<string>>();
  for (const s of schemas) {
    const inherited = datasets.filter((d) => d.schema === s.name).flatMap((d) => d.labels);
    for (const f of s.fields) {
      for (const l of [...(f.labels ?? []), ...inherited]) {
        let set = carriers.get(l);
        if (!set) carriers.set(l, (set = new Set()));
        set.add(f.path);
      }
    }
  }
  return new Map([...carriers].map(([l, set]) => [l, set.size]));
}

/** The policies whose expression names each label. */
export function policiesByLabel(policies: readonly Policy[]): Map<string, Policy[]> {
  const out = new Map<string, Policy[]>();
  for (const p of policies) for (const l of exprLabels(p.deny)) out.set(l, [...(out.get(l) ?? []), p]);
  return out;
}
