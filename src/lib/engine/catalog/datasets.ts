import type { Database } from '../db/sqlite';
import { all, run } from '../db/sql';
import { CdpError, invalid, notFound, optionalBoolean } from '../errors';
import { newId, nowIso } from '../ids';
import { checkLabelIds } from '../governance/catalog';
import type { Dataset, DatasetDef } from '../types';
import { findSchema } from './schemas';
import { objectName } from '../names';
import { whilePartnerDataMayChange } from '../profile/profiles';

interface DatasetRow {
  id: string;
  name: string;
  schema_name: string;
  profile_enabled: number;
  labels: string;
  created_at: string;
}

const SELECT = `SELECT d.id, d.name, s.name AS schema_name, d.profile_enabled, d.labels, d.created_at
  FROM datasets d JOIN schemas s ON s.id = d.schema_id`;

function fromRow(r: DatasetRow): Dataset {
  return {
    id: r.id,
    name: r.name,
    schema: r.schema_name,
    profileEnabled: r.profile_enabled === 1,
    labels: JSON.parse(r.labels) as string[],
    createdAt: r.created_at
  };
}

export function listDatasets(db: Database): Dataset[] {
  return all<DatasetRow>(db, { sql: `${SELECT} ORDER BY d.created_at, d.name` }).map(fromRow);
}

export function findDataset(db: Database, nameOrId: string): Dataset {
  if (typeof nameOrId !== 'string') throw invalid('A dataset is named by its name or id.');
  const r = all<DatasetRow>(db, {
    sql: `${SELECT} WHERE d.id = ? OR d.name = ? COLLATE NOCASE`,
    params: [nameOrId, nameOrId]
  })[0];
  if (!r) throw notFound('dataset', nameOrId);
  return fromRow(r);
}

export function insertDataset(db: Database, def: DatasetDef): Dataset {
  if (!def || typeof def !== 'object') throw invalid('A dataset is { name, schema }.');
  objectName(def.name, 'A dataset');
  if (typeof def.schema !== 'string') throw invalid('A dataset needs a schema (its name or id).');
  const schema = findSchema(db, def.schema);
  const name = def.name.trim();
  const profileEnabled = optionalBoolean(def.profileEnabled, "A dataset's profileEnabled");
  const labels = def.labels === undefined ? [] : checkLabelIds(db, def.labels, `Dataset "${name}"`);
  if (all(db, { sql: 'SELECT 1 FROM datasets WHERE name = ? COLLATE NOCASE', params: [name] }).length) {
    throw new CdpError('already_exists', `A dataset named "${name}" already exists.`);
  }
  const id = newId('dataset');
  run(db, {
    sql: 'INSERT INTO datasets (id, name, schema_id, profile_enabled, labels, created_at) VALUES (?,?,?,?,?,?)',
    params: [id, name, schema.id, profileEnabled === false ? 0 : 1, JSON.stringify(labels), nowIso()]
  });
  return findDataset(db, id);
}

/** A dataset's own labels, replaced; its fields inherit them (governance/lineage.ts). */
export function setDatasetLabels(db: Database, nameOrId: string, labels: string[]): Dataset {
  const ds = findDataset(db, nameOrId);
  const checked = checkLabelIds(db, labels, `Dataset "${ds.name}"`);
  whilePartnerDataMayChange(db, () =>
    run(db, { sql: 'UPDATE datasets SET labels = ? WHERE id = ?', params: [JSON.stringify(checked), ds.id] })
  );
  return findDataset(db, ds.id);
}
