// identityGraph(): the graph of a profile with the record behind every link and every refused link,
// recomputed by the same algorithm that built it, so the explanation cannot drift from the truth.
import type { Database } from '../db/sqlite';
import { all } from '../db/sql';
import type { GraphEdge, GraphNode, IdentityGraph, Namespace } from '../types';
import { formatProfileId } from './profileId';
import { inChunks } from '../db/sql';
import { loadClosure, seenIso, type IdentityRow } from './store';
import { stitch, type StitchNode, type StitchRecord } from './stitch';

export function explainGraph(db: Database, comp: number, namespaces: Map<string, Namespace>): IdentityGraph {
  const members = all<IdentityRow>(db, { sql: 'SELECT * FROM identities WHERE comp = ?', params: [comp] });
  const nodes = new Map<number, StitchNode>();
  const records = new Map<number, StitchRecord>();
  loadClosure(
    db,
    members.map((m) => m.iid),
    namespaces,
    nodes,
    records,
    new Map()
  );
  const { edges } = stitch(nodes, [...records.values()], true);

  const memberIds = new Set(members.map((m) => m.iid));
  // identities kept outside the graph (partner ids) on the records of this profile
  const outside = inChunks([...memberIds], (c, m) =>
    all<IdentityRow>(db, {
      sql: `SELECT DISTINCT i.* FROM records r JOIN record_identities ri ON ri.rid = r.rid
              JOIN identities i ON i.iid = ri.iid WHERE r.fkey IN (${m})`,
      params: c
    })
  ).filter((i) => !memberIds.has(i.iid) && !namespaces.get(i.ns)?.linksRecords);
  const shown = [...members, ...outside];
  const datasetsOf = new Map<number, string[]>();
  for (const r of inChunks(
    shown.map((s) => s.iid),
    (c, m) =>
      all<{ iid: number; name: string }>(db, {
        sql: `SELECT DISTINCT ri.iid, d.name FROM record_identities ri JOIN records r ON r.rid = ri.rid
                JOIN datasets d ON d.id = r.dataset_id WHERE ri.iid IN (${m}) ORDER BY d.name`,
        params: c
      })
  )) {
    datasetsOf.set(r.iid, [...(datasetsOf.get(r.iid) ?? []), r.name]);
  }
  const graphNodes: GraphNode[] = shown.map((i) => ({
    namespace: i.ns,
    id: i.value,
    inGraph: (namespaces.get(i.ns)?.linksRecords ?? false) && memberIds.has(i.iid),
    firstSeen: seenIso(i.first_seen),
    lastSeen: seenIso(i.last_seen),
    datasets: datasetsOf.get(i.iid) ?? []
  }));

  // one edge per pair and kind: the most recent record that made it (stitch takes records newest first)
  const relevant = edges.filter((e) => memberIds.has(e.from) || memberIds.has(e.to));
  const seen = new Set<string>();
  const kept = relevant.filter((e) => {
    const k = `${e.kind}:${Math.min(e.from, e.to)}:${Math.max(e.from, e.to)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const keyOf = (iid: number) => nodes.get(iid)!.key;
  const origin = new Map<number, { batch: string; dataset: string; row: number }>();
  for (const r of inChunks([...new Set(kept.map((e) => e.rid))], (c, m) =>
    all<{ rid: number; batch: string | null; dataset: string; row: number }>(db, {
      sql: `SELECT r.rid, b.id AS batch, d.name AS dataset, r.row FROM records r
              JOIN datasets d ON d.id = r.dataset_id LEFT JOIN batches b ON b.seq = r.batch_seq
             WHERE r.rid IN (${m})`,
      params: c
    })
  )) {
    origin.set(r.rid, { batch: r.batch ?? '', dataset: r.dataset, row: r.row });
  }
  const graphEdges: GraphEdge[] = kept.map((e) => {
    const o = origin.get(e.rid);
    return {
      from: keyOf(e.from),
      to: keyOf(e.to),
      kind: e.kind,
      batchId: o?.batch ?? '',
      dataset: o?.dataset ?? '',
      row: o?.row ?? 0,
      ...(e.reason ? { reason: e.reason } : {})
    };
  });
  return { profileId: formatProfileId(comp), nodes: graphNodes, edges: graphEdges };
}
