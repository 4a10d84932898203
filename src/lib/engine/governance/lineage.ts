// Which fields reach a destination, and through what: the audience rule (its attributes, the event
// fields it reads, and the event fields behind each calculated attribute it uses), the mapped
// attributes and the fields that hold the mapped identities. Every field is read in each dataset that
// builds profiles, with the labels it carries there: its own and those its dataset gives it.
import type { Database } from '../db/sqlite';
import { all } from '../db/sql';
import { listCalculated } from '../profile/calculated';
import type { CalculatedAttribute, FieldLineage, LineageNode, SchemaClass, SchemaDef } from '../types';

interface DatasetFields {
  id: string;
  name: string;
  class: SchemaClass;
  labels: string[];
  fields: Map<string, { labels: string[]; namespace: string | null }>;
}

/** Datasets that build profiles, with each field's own labels and the dataset's. */
export function datasetFields(db: Database): DatasetFields[] {
  return all<{ id: string; name: string; labels: string; def: string; class: SchemaClass }>(db, {
    sql: `SELECT d.id, d.name, d.labels, s.def, s.class FROM datasets d JOIN schemas s ON s.id = d.schema_id
           WHERE d.profile_enabled = 1 ORDER BY d.rowid`
  }).map((r) => ({
    id: r.id,
    name: r.name,
    class: r.class,
    labels: JSON.parse(r.labels) as string[],
    fields: new Map(
      (JSON.parse(r.def) as SchemaDef).fields.map((f) => [
        f.path,
        { labels: f.labels ?? [], namespace: f.identity?.namespace ?? null }
      ])
    )
  }));
}

export interface Reach {
  /** Paths the audience rule reads (CompiledRule.fields) */
  rule: string[];
  /** Mapped attribute paths, calc.<name> among them */
  attributes: string[];
  /** Mapped identity namespaces ('profileId' carries no field) */
  identities: string[];
}

/** Every (field, dataset) that reaches the destination and why, with its labels. */
export function reachingFields(db: Database, reach: Reach): FieldLineage[] {
  const datasets = datasetFields(db);
  const calculated = new Map(listCalculated(db).map((c) => [c.name, c]));
  const out: FieldLineage[] = [];
  const seen = new Set<string>();
  const add = (ds: DatasetFields, field: string, via: FieldLineage['via'], through?: string) => {
    const f = ds.fields.get(field);
    if (!f) return;
    const key = `${ds.id}\u0000${field}\u0000${via}\u0000${through ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    const inherited = ds.labels.filter((l) => !f.labels.includes(l));
    out.push({
      field,
      via,
      ...(through ? { through } : {}),
      dataset: ds.name,
      labels: [...f.labels, ...inherited],
      inherited
    });
  };
  const path = (p: string, via: 'rule' | 'mapping') => {
    if (p.startsWith('calc.')) {
      const c = calculated.get(p.slice(5));
      if (c)
        for (const f of calcFields(c))
          for (const ds of datasets) if (ds.class === 'event') add(ds, f, 'calculated', p);
      return;
    }
    for (const ds of datasets) add(ds, p, via);
  };
  for (const p of reach.rule) path(p, 'rule');
  for (const p of reach.attributes) path(p, 'mapping');
  for (const ns of reach.identities) {
    for (const ds of datasets) {
      for (const [field, f] of ds.fields)
        if (f.namespace?.toLowerCase() === ns.toLowerCase()) add(ds, field, 'identity', ns);
    }
  }
  return out;
}

/** The event fields a calculated attribute reads: the one it aggregates, and the type and time it filters on. */
function calcFields(c: CalculatedAttribute): string[] {
  return [...(c.field ? [c.field] : []), 'eventType', 'timestamp'];
}

/** A violation's path for one field: dataset -> field -> (calculated attribute) -> merge policy -> audience -> destination. */
export function lineagePath(
  f: FieldLineage,
  ids: {
    datasets: Map<string, string>;
    mergePolicy: { id: string; name: string };
    audience: { id: string; name: string };
    destination: { id: string; name: string };
  }
): LineageNode[] {
  const path: LineageNode[] = [
    { kind: 'dataset', id: ids.datasets.get(f.dataset) ?? f.dataset, name: f.dataset },
    { kind: 'field', id: f.field, name: f.field }
  ];
  if (f.via === 'calculated' && f.through) path.push({ kind: 'calculated', id: f.through, name: f.through });
  if (f.via === 'identity' && f.through) path.push({ kind: 'identity', id: f.through, name: f.through });
  path.push(
    { kind: 'mergePolicy', id: ids.mergePolicy.id, name: ids.mergePolicy.name },
    { kind: 'audience', id: ids.audience.id, name: ids.audience.name },
    { kind: 'destination', id: ids.destination.id, name: ids.destination.name }
  );
  return path;
}
