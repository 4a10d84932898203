// The identity graph as stored: identities(iid, ns, value, comp) and the records that link them.
// Restitching loads the closed set of graphs a change touches, runs ./stitch.ts and writes back comps.
import type { Database } from '../db/sqlite';
import { all, inChunks, run } from '../db/sql';
import { logProfileChanges } from '../segment/snapshot';
import { assignProfileNumbers, keepNumbersUsed, maxNumber } from './persistentIds';
import type { Namespace } from '../types';
import { stitch, type StitchNode, type StitchRecord } from './stitch';

export interface IdentityRow {
  iid: number;
  ns: string;
  value: string;
  comp: number;
  /** Milliseconds since the epoch (seenMs): a 24-character text in every identity was a tenth of a sandbox */
  first_seen: number;
  last_seen: number;
}

let lastIso = '';
let lastMs = 0;

/** An identity's first or last seen as stored: the record time (ISO text) in milliseconds. */
export function seenMs(iso: string): number {
  // a batch's records often share one time (a file without timestamps takes the batch's)
  if (iso === lastIso) return lastMs;
  const t = Date.parse(iso);
  lastIso = iso;
  lastMs = Number.isFinite(t) ? t : 0;
  return lastMs;
}

let lastStored: unknown = NaN;
let lastText = '';

/** A stored first or last seen as the ISO text records keep; text a hand-made file holds reads as it is. */
export function seenIso(stored: unknown): string {
  // the graphs a batch loads were mostly last seen at a few times (a file's records share its batch's)
  if (stored === lastStored) return lastText;
  const t = typeof stored === 'number' ? stored : NaN;
  lastText =
    Number.isFinite(t) && Math.abs(t) <= 8.64e15
      ? new Date(t).toISOString()
      : typeof stored === 'string'
        ? stored
        : '';
  lastStored = stored;
  return lastText;
}

export function stitchNode(iid: number, ns: Namespace, value: string, lastSeen: string): StitchNode {
  return {
    iid,
    key: `${ns.code}:${value}`,
    priority: ns.priority,
    uniqueNs: ns.unique ? ns.code : null,
    lastSeen
  };
}

export function parseIds(text: string): number[] {
  return text ? text.split(',').map(Number) : [];
}

/**
 * Adds to nodes/records every stored identity and record connected to the seeds: the graphs of the
 * seeds, every record touching them, and the graphs of those records' other identities, until closed.
 */
export function loadClosure(
  db: Database,
  seeds: Iterable<number>,
  namespaces: Map<string, Namespace>,
  nodes: Map<number, StitchNode>,
  records: Map<number, StitchRecord>,
  comps: Map<number, number>,
  loaded = new Set<number>()
): void {
  let frontier = [...new Set(seeds)].filter((i) => !loaded.has(i));
  while (frontier.length) {
    const graphs = inChunks(frontier, (c, m) =>
      all<{ comp: number }>(db, {
        sql: `SELECT DISTINCT comp FROM identities WHERE iid IN (${m})`,
        params: c
      })
    ).map((r) => r.comp);
    for (const i of frontier) loaded.add(i);
    const members = inChunks([...new Set(graphs)], (c, m) =>
      all<IdentityRow>(db, { sql: `SELECT * FROM identities WHERE comp IN (${m})`, params: c })
    );
    const fresh: number[] = [];
    for (const r of members) {
      loaded.add(r.iid);
      if (!nodes.has(r.iid)) {
        comps.set(r.iid, r.comp);
        const ns = namespaces.get(r.ns);
        // partner ids never link, so the records sharing one are not part of this graph's closure
        if (ns?.linksRecords) {
          nodes.set(r.iid, stitchNode(r.iid, ns, r.value, seenIso(r.last_seen)));
          fresh.push(r.iid);
        }
      }
    }
    const recs = inChunks(fresh, (c, m) =>
      all<{ rid: number; ts: string; ids: string }>(db, {
        sql: `SELECT rid, ts, ids FROM records WHERE ids != '' AND rid IN
                (SELECT rid FROM record_identities WHERE iid IN (${m}))`,
        params: c
      })
    );
    const next = new Set<number>();
    for (const r of recs) {
      if (records.has(r.rid)) continue;
      const ids = parseIds(r.ids);
      records.set(r.rid, { rid: r.rid, ts: r.ts, ids });
      for (const i of ids) if (!loaded.has(i)) next.add(i);
    }
    frontier = [...next];
  }
}

/**
 * Restitches a closed set of graphs and numbers them (./persistentIds.ts). Stored nodes whose number
 * changed are updated; fresh nodes (not stored yet) are left to the caller, who inserts them with
 * their number. Returns node -> profile number.
 */
export function restitch(
  db: Database,
  nodes: Map<number, StitchNode>,
  records: Map<number, StitchRecord>,
  before: Map<number, number>,
  allocate: () => number
): Map<number, number> {
  const { comp: graph, evicted } = stitch(nodes, [...records.values()]);
  const numbers = assignProfileNumbers(db, { graph, evicted, before, allocate });
  const stmt = db.prepare('UPDATE identities SET comp = ? WHERE iid = ?');
  const changed: number[] = [];
  try {
    for (const [iid, pno] of numbers) {
      const old = before.get(iid);
      if (old === undefined || old === pno) continue;
      stmt.run([pno, iid]);
      changed.push(old, pno);
    }
  } finally {
    stmt.free();
  }
  logProfileChanges(db, changed);
  return numbers;
}

/** Restitches every graph the seed identities are in, and every graph their records reach. */
export function restitchFrom(db: Database, namespaces: Map<string, Namespace>, seeds: number[]): void {
  const nodes = new Map<number, StitchNode>();
  const records = new Map<number, StitchRecord>();
  const before = new Map<number, number>();
  loadClosure(db, seeds, namespaces, nodes, records, before);
  let next = maxNumber(db);
  restitch(db, nodes, records, before, () => ++next);
}

/** After records are deleted: identities no record holds any more leave; first/last seen are redone. */
export function refreshIdentities(db: Database, iids: number[]): number[] {
  keepNumbersUsed(db);
  const gone: number[] = [];
  for (const iid of iids) {
    const r = all<{ n: number; first: string | null; last: string | null }>(db, {
      sql: `SELECT count(*) AS n, min(r.ts) AS first, max(r.ts) AS last
              FROM record_identities ri JOIN records r ON r.rid = ri.rid WHERE ri.iid = ?`,
      params: [iid]
    })[0];
    if (!r || r.n === 0) {
      run(db, { sql: 'DELETE FROM identities WHERE iid = ?', params: [iid] });
      gone.push(iid);
    } else {
      run(db, {
        sql: 'UPDATE identities SET first_seen = ?, last_seen = ? WHERE iid = ?',
        params: [seenMs(r.first ?? ''), seenMs(r.last ?? ''), iid]
      });
    }
  }
  return gone;
}
