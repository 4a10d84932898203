// Merge policies of a sandbox: stored definitions, one of them the default.
import type { Database } from '../db/sqlite';
import { all, run, transaction } from '../db/sql';
import { CdpError, invalid, notFound, optionalBoolean } from '../errors';
import { newId, nowIso } from '../ids';
import type { MergePolicy, MergePolicyDef } from '../types';
import { findDataset } from '../catalog/datasets';
import { objectName } from '../names';

interface Row {
  id: string;
  name: string;
  def: string;
  is_default: number;
  created_at: string;
}

function fromRow(r: Row): MergePolicy {
  const def = JSON.parse(r.def) as Pick<MergePolicy, 'attributeMerge' | 'datasetOrder' | 'stitching'>;
  return { id: r.id, name: r.name, ...def, isDefault: r.is_default === 1, createdAt: r.created_at };
}

export function listMergePolicies(db: Database): MergePolicy[] {
  return all<Row>(db, { sql: 'SELECT * FROM merge_policies ORDER BY rowid' }).map(fromRow);
}

/** By name or id; the default policy when absent. */
export function findMergePolicy(db: Database, nameOrId?: string): MergePolicy {
  if (nameOrId !== undefined && typeof nameOrId !== 'string') {
    throw invalid('A merge policy is named by its name or id.');
  }
  const r =
    nameOrId === undefined
      ? all<Row>(db, { sql: 'SELECT * FROM merge_policies WHERE is_default = 1' })[0]
      : all<Row>(db, {
          sql: 'SELECT * FROM merge_policies WHERE id = ? OR name = ? COLLATE NOCASE',
          params: [nameOrId, nameOrId]
        })[0];
  if (!r) throw notFound('merge policy', nameOrId ?? '(default)');
  return fromRow(r);
}

export function insertMergePolicy(db: Database, def: MergePolicyDef): MergePolicy {
  if (!def || typeof def !== 'object') throw invalid('A merge policy is { name, ... }.');
  objectName(def.name, 'A merge policy');
  const name = def.name.trim();
  const attributeMerge = def.attributeMerge ?? 'timestamp';
  const stitching = def.stitching ?? 'privateGraph';
  if (attributeMerge !== 'timestamp' && attributeMerge !== 'datasetPrecedence') {
    throw invalid('attributeMerge is "timestamp" or "datasetPrecedence".', { attributeMerge });
  }
  if (stitching !== 'privateGraph' && stitching !== 'none') {
    throw invalid('stitching is "privateGraph" or "none".', { stitching });
  }
  if (def.datasetOrder !== undefined && !Array.isArray(def.datasetOrder)) {
    throw invalid('datasetOrder lists dataset names, highest precedence first.');
  }
  // Stored by name as the user sees them; each must exist now
  const datasetOrder = (def.datasetOrder ?? []).map((d) => findDataset(db, d).name);
  if (attributeMerge === 'datasetPrecedence' && datasetOrder.length === 0) {
    throw invalid('A dataset-precedence policy lists its datasets in datasetOrder, highest first.');
  }
  if (all(db, { sql: 'SELECT 1 FROM merge_policies WHERE name = ? COLLATE NOCASE', params: [name] }).length) {
    throw new CdpError('already_exists', `A merge policy named "${name}" already exists.`);
  }
  const isDefault = optionalBoolean(def.default, "A merge policy's default");
  const id = newId('mp');
  transaction(db, () => {
    if (isDefault) run(db, { sql: 'UPDATE merge_policies SET is_default = 0' });
    run(db, {
      sql: 'INSERT INTO merge_policies (id, name, def, is_default, created_at) VALUES (?,?,?,?,?)',
      params: [
        id,
        name,
        JSON.stringify({ attributeMerge, datasetOrder, stitching }),
        isDefault ? 1 : 0,
        nowIso()
      ]
    });
  });
  return findMergePolicy(db, id);
}
