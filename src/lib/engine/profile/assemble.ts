// A unified profile from its graph (or, with stitching off, from one fragment): identities, merged
// attributes under the merge policy, where each value came from, the event timeline and calculated
// attributes.
import type { Database } from '../db/sqlite';
import { all } from '../db/sql';
import { decodeRecord, recordPaths } from '../catalog/recordValues';
import { aliasesOf } from '../identity/persistentIds';
import { formatAnonymousId, formatProfileId } from '../identity/profileId';
import { ANONYMOUS_TYPES, isKnownIdentity } from '../identity/normalize';
import { inChunks } from '../db/sql';
import type {
  AttributeSource,
  CalculatedAttribute,
  MergePolicy,
  Namespace,
  Profile,
  ProfileEvent,
  ProfileIdentity,
  SchemaDef
} from '../types';
import { calculate, type EventFacts } from './calculated';
import { profileKind } from './kind';

interface MemberRow {
  iid: number;
  ns: string;
  value: string;
}
interface RecordRow {
  rid: number;
  fkey: number;
  ids: string;
  ts: string;
  data: string;
  dataset: string;
  dataset_labels: string;
  class: string;
  def: string;
  batch_id: string | null;
}

export const MAX_EVENTS = 1000;

/** What a profile is made of: a whole identity graph, or (stitching off) the records of one fragment. */
export type ProfileTarget = { comp: number } | { fragment: number };

export interface AssembleOptions {
  policy: MergePolicy;
  calculated: CalculatedAttribute[];
  now?: number;
  /**
   * The isolate identity strategy: 'exclude' leaves out records that carry only cookie or device ids
   * (when the profile has a known id at all); 'only' keeps just those, for a cookie's anonymous profile.
   */
  anonymous?: 'exclude' | 'only';
}

const RECORD_SELECT = `SELECT r.rid, r.fkey, r.ids, r.ts, r.data, d.name AS dataset, d.labels AS dataset_labels, s.class, s.def, b.id AS batch_id
  FROM records r JOIN datasets d ON d.id = r.dataset_id JOIN schemas s ON s.id = d.schema_id
  LEFT JOIN batches b ON b.seq = r.batch_seq`;

/**
 * The order a merge policy applies a profile's records in, later ones overwriting earlier ones: by
 * dataset precedence first (when the policy has it), then record time, then ingest order.
 */
export function mergeOrder(
  policy: MergePolicy
): (
  a: { dataset: string; ts: string; rid: number },
  b: { dataset: string; ts: string; rid: number }
) => number {
  const rank = new Map(
    policy.datasetOrder.map((name, i) => [name.toLowerCase(), policy.datasetOrder.length - i])
  );
  const precedence = (r: { dataset: string }) =>
    policy.attributeMerge === 'datasetPrecedence' ? (rank.get(r.dataset.toLowerCase()) ?? 0) : 0;
  return (a, b) => precedence(a) - precedence(b) || (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.rid - b.rid);
}

export function assembleProfile(
  db: Database,
  target: ProfileTarget,
  namespaces: Map<string, Namespace>,
  opts: AssembleOptions
): Profile {
  const { policy } = opts;
  const id = 'comp' in target ? target.comp : target.fragment;
  const members =
    'comp' in target
      ? all<MemberRow>(db, {
          sql: 'SELECT iid, ns, value FROM identities WHERE comp = ? ORDER BY iid',
          params: [target.comp]
        })
      : all<MemberRow>(db, {
          sql: `SELECT DISTINCT i.iid, i.ns, i.value FROM records r
                  JOIN record_identities ri ON ri.rid = r.rid JOIN identities i ON i.iid = ri.iid
                 WHERE r.fkey = ? AND i.ns IN (${[...namespaces.values()]
                   .filter((n) => n.linksRecords)
                   .map(() => '?')
                   .join(',')}) ORDER BY i.iid`,
          params: [
            target.fragment,
            ...[...namespaces.values()].filter((n) => n.linksRecords).map((n) => n.code)
          ]
        });
  const memberIds = 'comp' in target ? members.map((m) => m.iid) : [target.fragment];
  // Applied in order, later records overwrite earlier ones: by time, or by dataset precedence first
  const records = inChunks(memberIds, (c, m) =>
    all<RecordRow>(db, {
      sql: `${RECORD_SELECT} WHERE r.fkey IN (${m}) AND d.profile_enabled = 1`,
      params: c
    })
  )
    .filter(anonymityFilter(db, members, namespaces, opts.anonymous))
    .sort(mergeOrder(policy));

  // An anonymous profile shows the cookies and devices it is, not the ids its login records carried
  const shown =
    opts.anonymous === 'only'
      ? members.filter((m) => ANONYMOUS_TYPES.has(namespaces.get(m.ns)?.type ?? ''))
      : members;
  const identities: ProfileIdentity[] = shown.map((m) => ({
    namespace: m.ns,
    id: m.value,
    inGraph: namespaces.get(m.ns)?.linksRecords ?? false
  }));
  const inProfile = new Set(members.map((m) => `${m.ns}:${m.value}`));
  // Every identity of every record: those outside the graph join the profile's list, and each event
  // says which identities it carried (a cookie alone while the visitor was anonymous).
  const carried = inChunks(
    records.map((r) => r.rid),
    (c, m) =>
      all<{ rid: number; ns: string; value: string }>(db, {
        sql: `SELECT ri.rid, i.ns, i.value FROM record_identities ri JOIN identities i ON i.iid = ri.iid
               WHERE ri.rid IN (${m}) ORDER BY ri.rid, i.iid`,
        params: c
      })
  );
  const identitiesOf = new Map<number, ProfileIdentity[]>();
  for (const o of carried) {
    const list = identitiesOf.get(o.rid) ?? [];
    list.push({ namespace: o.ns, id: o.value, inGraph: namespaces.get(o.ns)?.linksRecords ?? false });
    identitiesOf.set(o.rid, list);
  }
  for (const o of carried) {
    const key = `${o.ns}:${o.value}`;
    if (inProfile.has(key) || namespaces.get(o.ns)?.linksRecords) continue;
    inProfile.add(key);
    identities.push({ namespace: o.ns, id: o.value, inGraph: false });
  }

  // null-prototype: field paths are user keys, and "__proto__" is one like any other
  const attributes = Object.create(null) as Record<string, unknown>;
  const sources = Object.create(null) as Record<string, AttributeSource>;
  const labels = Object.create(null) as Record<string, string[]>;
  const events: ProfileEvent[] = [];
  const facts: EventFacts[] = [];
  const fieldLabels = new Map<string, Map<string, string[]>>();
  // a field's labels are its own and its dataset's (governance/lineage.ts reads them the same way)
  const labelsOf = (def: string, datasetLabels: string) => {
    const key = `${datasetLabels}\u0000${def}`;
    let m = fieldLabels.get(key);
    if (!m) {
      const inherited = JSON.parse(datasetLabels) as string[];
      m = new Map(
        (JSON.parse(def) as SchemaDef).fields.map((f) => [
          f.path,
          [...new Set([...(f.labels ?? []), ...inherited])]
        ])
      );
      fieldLabels.set(key, m);
    }
    return m;
  };
  for (const r of records) {
    const data = decodeRecord(recordPaths(r.def), r.data);
    const fl = labelsOf(r.def, r.dataset_labels);
    if (r.class === 'event') {
      const timestamp = typeof data.timestamp === 'string' ? data.timestamp : r.ts;
      const eventType = typeof data.eventType === 'string' ? data.eventType : 'event';
      events.push({
        ...data,
        timestamp,
        eventType,
        dataset: r.dataset,
        identities: identitiesOf.get(r.rid) ?? []
      });
      facts.push({ timestamp, eventType, data });
      continue;
    }
    for (const [path, value] of Object.entries(data)) {
      if (value === null || value === undefined) continue;
      attributes[path] = value;
      sources[path] = { dataset: r.dataset, batchId: r.batch_id ?? '', timestamp: r.ts };
      const l = fl.get(path);
      if (l?.length) labels[path] = [...new Set([...(labels[path] ?? []), ...l])];
    }
  }
  events.sort((a, b) => (a.timestamp < b.timestamp ? 1 : a.timestamp > b.timestamp ? -1 : 0));

  const now = opts.now ?? Date.now();
  const calculated: Record<string, number | string | null> = {};
  for (const attr of opts.calculated) calculated[attr.name] = calculate(attr, facts, now);

  return {
    profileId: opts.anonymous === 'only' ? formatAnonymousId(id) : formatProfileId(id),
    identities,
    attributes,
    events: events.slice(0, MAX_EVENTS),
    audiences: [],
    aliases: 'comp' in target ? aliasesOf(db, id).map(formatProfileId) : [],
    sources,
    labels,
    kind: opts.anonymous === 'only' ? 'anonymous' : profileKind(db, target),
    mergePolicy: policy.name,
    calculated
  };
}

function anonymityFilter(
  db: Database,
  members: MemberRow[],
  namespaces: Map<string, Namespace>,
  mode: AssembleOptions['anonymous']
): (r: RecordRow) => boolean {
  if (mode === undefined) return () => true;
  const isKnown = (code: string | undefined) =>
    isKnownIdentity(code === undefined ? undefined : namespaces.get(code));
  const nsOf = new Map(members.map((m) => [m.iid, m.ns]));
  if (mode === 'exclude' && !members.some((m) => isKnown(m.ns))) return () => true;
  const ensure = (iids: number[]) => {
    const missing = iids.filter((i) => !nsOf.has(i));
    const found = inChunks(missing, (c, m) =>
      all<{ iid: number; ns: string }>(db, {
        sql: `SELECT iid, ns FROM identities WHERE iid IN (${m})`,
        params: c
      })
    );
    for (const row of found) nsOf.set(row.iid, row.ns);
  };
  return (r) => {
    const ids = r.ids ? r.ids.split(',').map(Number) : [];
    ensure(ids);
    const anonymous = ids.length > 0 && !ids.some((i) => isKnown(nsOf.get(i)));
    return mode === 'only' ? anonymous : !anonymous;
  };
}
