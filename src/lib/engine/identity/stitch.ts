// The identity graph algorithm, pure: records in, graphs out. Used for every incremental stitch and,
// with edges on, to explain a graph. It follows Adobe's identity optimisation: links are taken newest
// record first, and a link that would put two values of a unique namespace in one graph is refused, so
// a shared device stays with the person who used it last.
import { sortShort } from '../sortShort';

export interface StitchNode {
  iid: number;
  /** 'ns:value': the last tie-breaker, between identities of one record */
  key: string;
  priority: number;
  /** The namespace code when the namespace is unique (one value per graph), else null */
  uniqueNs: string | null;
  lastSeen: string;
}

export interface StitchRecord {
  rid: number;
  ts: string;
  /** In-graph identities of the record, at most 20 */
  ids: number[];
}

export interface StitchEdge {
  from: number;
  to: number;
  kind: 'linked' | 'refused';
  rid: number;
  reason?: string;
}

export const GRAPH_LIMIT = 50;

class UnionFind {
  private parent = new Map<number, number>();
  /** per root: unique namespace -> the identity holding it */
  readonly uniques = new Map<number, Map<string, number>>();
  size = new Map<number, number>();

  add(node: StitchNode) {
    this.parent.set(node.iid, node.iid);
    this.size.set(node.iid, 1);
    if (node.uniqueNs) this.uniques.set(node.iid, new Map([[node.uniqueNs, node.iid]]));
  }

  find(x: number): number {
    let root = x;
    while (this.parent.get(root)! !== root) root = this.parent.get(root)!;
    while (this.parent.get(x)! !== root) {
      const next = this.parent.get(x)!;
      this.parent.set(x, root);
      x = next;
    }
    return root;
  }

  /** The unique namespaces on which the two graphs hold different values. */
  conflicts(a: number, b: number): [string, number, number][] {
    const ua = this.uniques.get(a);
    const ub = this.uniques.get(b);
    if (!ua || !ub) return [];
    const out: [string, number, number][] = [];
    for (const [ns, va] of ua) {
      const vb = ub.get(ns);
      if (vb !== undefined && vb !== va) out.push([ns, va, vb]);
    }
    return out;
  }

  /** The most members any graph has: its root's size (evicted nodes are never joined to one). */
  largest(): number {
    let most = 0;
    for (const [x, p] of this.parent) if (x === p) most = Math.max(most, this.size.get(x)!);
    return most;
  }

  union(a: number, b: number) {
    const [big, small] = this.size.get(a)! >= this.size.get(b)! ? [a, b] : [b, a];
    this.parent.set(small, big);
    this.size.set(big, this.size.get(big)! + this.size.get(small)!);
    const us = this.uniques.get(small);
    if (us) {
      const ub = this.uniques.get(big) ?? new Map<string, number>();
      for (const [ns, v] of us) ub.set(ns, v);
      this.uniques.set(big, ub);
      this.uniques.delete(small);
    }
  }
}

/**
 * Newest first. Record time decides; where times tie (a file without timestamps) the later record is the
 * newer: rids are given in batch order, then row order, and a record re-ingested keeps its first rid.
 */
function byRecency(a: StitchRecord, b: StitchRecord): number {
  if (a.ts !== b.ts) return a.ts < b.ts ? 1 : -1;
  return b.rid - a.rid;
}

function latestRecords(ordered: readonly StitchRecord[]): Map<number, StitchRecord> {
  const latest = new Map<number, StitchRecord>();
  for (const r of ordered) for (const i of r.ids) if (!latest.has(i)) latest.set(i, r);
  return latest;
}

function runOnce(
  nodes: Map<number, StitchNode>,
  ordered: StitchRecord[],
  evicted: Set<number>,
  edges: StitchEdge[] | null
): UnionFind {
  const uf = new UnionFind();
  for (const n of nodes.values()) uf.add(n);
  const rank = (a: number, b: number) => {
    const na = nodes.get(a)!;
    const nb = nodes.get(b)!;
    return na.priority - nb.priority || (na.key < nb.key ? -1 : na.key > nb.key ? 1 : 0);
  };
  for (const rec of ordered) {
    const ids: number[] = [];
    for (const i of rec.ids) if (!evicted.has(i) && !ids.includes(i)) ids.push(i);
    sortShort(ids, rank);
    const anchor = ids[0];
    for (let k = 1; k < ids.length; k++) {
      const x = ids[k];
      const ra = uf.find(anchor);
      const rx = uf.find(x);
      if (ra === rx) {
        edges?.push({ from: anchor, to: x, kind: 'linked', rid: rec.rid });
        continue;
      }
      const conflicts = uf.conflicts(ra, rx);
      if (conflicts.length) {
        if (edges) {
          const [ns, va, vb] = conflicts[0];
          const keep = nodes.get(vb)!.key;
          edges.push({
            from: anchor,
            to: x,
            kind: 'refused',
            rid: rec.rid,
            reason:
              `${ns} is unique: linking would put ${nodes.get(va)!.key} and ${keep} in one graph; ` +
              `${nodes.get(x)!.key} stays with ${keep}, from a more recent record`
          });
        }
        continue;
      }
      uf.union(ra, rx);
      edges?.push({ from: anchor, to: x, kind: 'linked', rid: rec.rid });
    }
  }
  return uf;
}

/**
 * Graphs for a closed set of records (every record touching any of the nodes is given). Returns, for
 * each node, the smallest iid of its graph as the graph's key (./persistentIds.ts numbers the graphs).
 * Graphs over GRAPH_LIMIT lose their least recently seen identities, each becoming its own.
 */
export function stitch(
  nodes: Map<number, StitchNode>,
  records: StitchRecord[],
  withEdges = false
): { comp: Map<number, number>; edges: StitchEdge[]; evicted: Set<number> } {
  const ordered = [...records].sort(byRecency);
  const evicted = new Set<number>();
  let uf = runOnce(nodes, ordered, evicted, null);
  // Each identity's latest record, as (time, rid): the order in which the graph limit keeps
  // identities, worked out only once a graph is over it (nearly none is)
  let latest: Map<number, StitchRecord> | undefined;
  while (uf.largest() > GRAPH_LIMIT) {
    const last = (latest ??= latestRecords(ordered));
    const members = new Map<number, number[]>();
    for (const iid of nodes.keys()) {
      if (evicted.has(iid)) continue;
      const r = uf.find(iid);
      const list = members.get(r);
      if (list) list.push(iid);
      else members.set(r, [iid]);
    }
    for (const list of members.values()) {
      if (list.length <= GRAPH_LIMIT) continue;
      list.sort((a, b) => {
        const ra = last.get(a);
        const rb = last.get(b);
        const ta = ra?.ts ?? nodes.get(a)!.lastSeen;
        const tb = rb?.ts ?? nodes.get(b)!.lastSeen;
        if (ta !== tb) return ta < tb ? 1 : -1;
        const d = (rb?.rid ?? -1) - (ra?.rid ?? -1);
        if (d) return d;
        return nodes.get(a)!.key < nodes.get(b)!.key ? -1 : 1;
      });
      for (const iid of list.slice(GRAPH_LIMIT)) evicted.add(iid);
    }
    uf = runOnce(nodes, ordered, evicted, null);
  }
  const edges: StitchEdge[] = [];
  if (withEdges) runOnce(nodes, ordered, evicted, edges);
  const minOf = new Map<number, number>();
  for (const iid of nodes.keys()) {
    const r = evicted.has(iid) ? iid : uf.find(iid);
    const m = minOf.get(r);
    if (m === undefined || iid < m) minOf.set(r, iid);
  }
  const comp = new Map<number, number>();
  for (const iid of nodes.keys()) comp.set(iid, minOf.get(evicted.has(iid) ? iid : uf.find(iid))!);
  return { comp, edges, evicted };
}
