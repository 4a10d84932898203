// The labels and marketing actions of a sandbox: the standard ones (./labels.ts) and those it defines.
import type { Database } from '../db/sqlite';
import { all, run } from '../db/sql';
import { CdpError, invalid } from '../errors';
import { nowIso } from '../ids';
import type { Label, LabelDef, MarketingAction, MarketingActionDef } from '../types';
import { CUSTOM_ACTION_ID, CUSTOM_LABEL_ID, LABELS, MARKETING_ACTIONS } from './labels';
import { objectName } from '../names';

interface CustomRow {
  id: string;
  name: string;
  description: string;
}

export function listLabels(db: Database): Label[] {
  const custom = all<CustomRow>(db, {
    sql: 'SELECT id, name, description FROM custom_labels ORDER BY rowid'
  });
  return [
    ...LABELS.map((l) => ({ ...l })),
    ...custom.map((r) => ({
      id: r.id,
      name: r.name,
      category: 'Custom',
      description: r.description,
      custom: true
    }))
  ];
}

export function listMarketingActions(db: Database): MarketingAction[] {
  const custom = all<CustomRow>(db, {
    sql: 'SELECT id, name, description FROM custom_marketing_actions ORDER BY rowid'
  });
  return [
    ...MARKETING_ACTIONS.map((a) => ({ ...a })),
    ...custom.map((r) => ({ id: r.id, name: r.name, description: r.description, custom: true }))
  ];
}

function checkDef(def: LabelDef | MarketingActionDef, what: string, pattern: RegExp, example: string) {
  if (!def || typeof def.id !== 'string' || !pattern.test(def.id)) {
    throw invalid(`A ${what} id is letters and digits starting with a letter, e.g. ${example}.`, {
      id: def?.id
    });
  }
  objectName(def.name, `A ${what}`);
  if (def.description !== undefined && typeof def.description !== 'string') {
    throw invalid(`A ${what}'s description is text.`);
  }
}

export function insertLabel(db: Database, def: LabelDef): Label {
  checkDef(def, 'label', CUSTOM_LABEL_ID, 'PARTNER_B');
  if (listLabels(db).some((l) => l.id.toLowerCase() === def.id.toLowerCase())) {
    throw new CdpError('already_exists', `A label "${def.id}" already exists.`, { id: def.id });
  }
  run(db, {
    sql: 'INSERT INTO custom_labels (id, name, description, created_at) VALUES (?,?,?,?)',
    params: [def.id, def.name.trim(), def.description?.trim() ?? '', nowIso()]
  });
  return listLabels(db).find((l) => l.id === def.id)!;
}

export function insertMarketingAction(db: Database, def: MarketingActionDef): MarketingAction {
  checkDef(def, 'marketing action', CUSTOM_ACTION_ID, 'smsTargeting');
  if (listMarketingActions(db).some((a) => a.id.toLowerCase() === def.id.toLowerCase())) {
    throw new CdpError('already_exists', `A marketing action "${def.id}" already exists.`, { id: def.id });
  }
  run(db, {
    sql: 'INSERT INTO custom_marketing_actions (id, name, description, created_at) VALUES (?,?,?,?)',
    params: [def.id, def.name.trim(), def.description?.trim() ?? '', nowIso()]
  });
  return listMarketingActions(db).find((a) => a.id === def.id)!;
}

/** A marketing action of this sandbox by id, or a clear error. */
export function findMarketingAction(db: Database, id: unknown): MarketingAction {
  const action = typeof id === 'string' ? listMarketingActions(db).find((a) => a.id === id) : undefined;
  if (!action) {
    throw invalid(
      `"${String(id)}" is not a marketing action of this sandbox (${listMarketingActions(db)
        .map((a) => a.id)
        .join(', ')}).`,
      { marketingAction: id }
    );
  }
  return action;
}

/**
 * How a label id is spelled wherever it is stored: label ids are case-insensitive (createLabel refuses
 * "c2" next to "C2"), so a known label takes its catalog spelling — a policy denying "c2" must deny the
 * fields labelled C2. A label need not be defined to be applied or denied (a schema made through the
 * API may carry a contract's own label ids); an unknown one keeps the spelling it was given.
 */
export function labelSpelling(db: Database): (id: string) => string {
  const known = new Map(listLabels(db).map((l) => [l.id.toLowerCase(), l.id]));
  return (id) => known.get(id.toLowerCase()) ?? id;
}

/** Label ids checked for form, in their stored spelling, each once (whatever its case). */
export function checkLabelIds(db: Database, labels: unknown, where: string): string[] {
  if (!Array.isArray(labels)) throw invalid(`${where}: labels are a list of label ids.`);
  const spell = labelSpelling(db);
  const out = new Map<string, string>();
  for (const l of labels as unknown[]) {
    if (typeof l !== 'string' || !CUSTOM_LABEL_ID.test(l)) {
      throw invalid(`${where}: "${String(l)}" is not a label id such as C2, I1 or THIRD_PARTY.`, {
        label: l
      });
    }
    const id = spell(l);
    if (!out.has(id.toLowerCase())) out.set(id.toLowerCase(), id);
  }
  return [...out.values()];
}
