// Data-usage policies: a marketing action denied when data carries labels matching an expression.
// Only enabled policies are enforced; a draft (enabled: false) is kept for review.
import type { Database } from '../db/sqlite';
import { all, one, run } from '../db/sql';
import { CdpError, invalid, notFound, optionalBoolean } from '../errors';
import { newId, nowIso } from '../ids';
import type { LabelExpr, Policy, PolicyCheck, PolicyDef } from '../types';
import { checkLabelIds, findMarketingAction, labelSpelling } from './catalog';
import { checkExpr, denyingLabels } from './expression';
import { objectName } from '../names';

interface Row {
  id: string;
  name: string;
  description: string;
  marketing_action: string;
  deny: string;
  enabled: number;
  created_at: string;
  updated_at: string;
}

function fromRow(r: Row): Policy {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    marketingAction: r.marketing_action,
    deny: JSON.parse(r.deny) as LabelExpr,
    enabled: r.enabled === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at
  };
}

export function listPolicies(db: Database): Policy[] {
  return all<Row>(db, { sql: 'SELECT * FROM policies ORDER BY rowid' }).map(fromRow);
}

export function findPolicy(db: Database, nameOrId: unknown): Policy {
  if (typeof nameOrId !== 'string') throw invalid('A policy is named by its name or id.');
  const r = one<Row>(db, {
    sql: 'SELECT * FROM policies WHERE id = ? OR name = ? COLLATE NOCASE',
    params: [nameOrId, nameOrId]
  });
  if (!r) throw notFound('policy', nameOrId);
  return fromRow(r);
}

const POLICY_FIELDS = ['name', 'description', 'marketingAction', 'deny', 'enabled'];

function checkName(db: Database, value: unknown, except?: string): string {
  const name = objectName(value, 'A policy');
  const taken = one<{ id: string }>(db, {
    sql: 'SELECT id FROM policies WHERE name = ? COLLATE NOCASE',
    params: [name]
  });
  if (taken && taken.id !== except) {
    throw new CdpError('already_exists', `A policy named "${name}" already exists.`, { name });
  }
  return name;
}

function checkDescription(description: unknown): string {
  if (typeof description !== 'string') throw invalid("A policy's description is text.");
  return description.trim();
}

function checkEnabled(enabled: unknown): boolean {
  return optionalBoolean(enabled, "A policy's enabled (true: enforced, false: a draft)") !== false;
}

export function insertPolicy(db: Database, def: PolicyDef): Policy {
  if (!def || typeof def !== 'object') throw invalid('A policy is { name, marketingAction, deny }.');
  const name = checkName(db, def.name);
  const action = findMarketingAction(db, def.marketingAction);
  const deny = checkExpr(def.deny, labelSpelling(db));
  const enabled = checkEnabled(def.enabled);
  const description = def.description === undefined ? '' : checkDescription(def.description);
  const id = newId('policy');
  const now = nowIso();
  run(db, {
    sql: `INSERT INTO policies (id, name, description, marketing_action, deny, enabled, created_at, updated_at)
          VALUES (?,?,?,?,?,?,?,?)`,
    params: [id, name, description, action.id, JSON.stringify(deny), enabled ? 1 : 0, now, now]
  });
  return findPolicy(db, id);
}

export function updatePolicy(db: Database, nameOrId: string, patch: Partial<PolicyDef>): Policy {
  const policy = findPolicy(db, nameOrId);
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) {
    throw invalid('A policy change is an object of its fields.');
  }
  const unknown = Object.keys(patch).filter((k) => !POLICY_FIELDS.includes(k));
  if (unknown.length) {
    throw invalid(`A policy has no field "${unknown[0]}" (it has ${POLICY_FIELDS.join(', ')}).`, {
      field: unknown[0]
    });
  }
  const next = {
    name: patch.name === undefined ? policy.name : checkName(db, patch.name, policy.id),
    description: patch.description === undefined ? policy.description : checkDescription(patch.description),
    marketingAction:
      patch.marketingAction === undefined
        ? policy.marketingAction
        : findMarketingAction(db, patch.marketingAction).id,
    deny: patch.deny === undefined ? policy.deny : checkExpr(patch.deny, labelSpelling(db)),
    enabled: patch.enabled === undefined ? policy.enabled : checkEnabled(patch.enabled)
  };
  run(db, {
    sql: `UPDATE policies SET name = ?, description = ?, marketing_action = ?, deny = ?, enabled = ?,
          updated_at = ? WHERE id = ?`,
    params: [
      next.name,
      next.description,
      next.marketingAction,
      JSON.stringify(next.deny),
      next.enabled ? 1 : 0,
      nowIso(),
      policy.id
    ]
  });
  return findPolicy(db, policy.id);
}

export function deletePolicy(db: Database, nameOrId: string): void {
  run(db, { sql: 'DELETE FROM policies WHERE id = ?', params: [findPolicy(db, nameOrId).id] });
}

/** The enabled policies that deny `marketingActions` on data carrying `labels`, with the labels why. */
export function deniedBy(
  policies: readonly Policy[],
  marketingActions: readonly string[],
  labels: ReadonlySet<string>,
  which: 'enabled' | 'drafts' = 'enabled'
): { policy: Policy; labels: string[] }[] {
  const out: { policy: Policy; labels: string[] }[] = [];
  for (const policy of policies) {
    if (policy.enabled !== (which === 'enabled') || !marketingActions.includes(policy.marketingAction))
      continue;
    const hit = denyingLabels(policy.deny, labels);
    if (hit) out.push({ policy, labels: hit });
  }
  return out;
}

/** "May these labels be used for this action?" */
export function checkPolicies(db: Database, req: { labels: string[]; marketingAction: string }): PolicyCheck {
  if (!req || typeof req !== 'object') throw invalid('A policy check is { labels, marketingAction }.');
  const labels = new Set(checkLabelIds(db, req.labels, 'Policy check'));
  const action = findMarketingAction(db, req.marketingAction);
  const policies = listPolicies(db);
  const found = (which: 'enabled' | 'drafts') =>
    deniedBy(policies, [action.id], labels, which).map((d) => ({
      policy: d.policy.name,
      marketingAction: action.id,
      labels: d.labels
    }));
  const violations = found('enabled');
  return { allowed: violations.length === 0, violations, drafts: found('drafts') };
}
