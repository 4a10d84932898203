// Members as they leave for a destination: their mapped identities and attributes, read in bulk (a
// temporary table of profile numbers joined to identities, records and the audience snapshot), so an
// audience of a million does not mean a million profile assemblies.
import type { Database } from '../db/sqlite';
import { all, run } from '../db/sql';
import { formatProfileId } from '../identity/profileId';
import { assembleProfile } from '../profile/assemble';
import { listCalculated } from '../profile/calculated';
import { snapshotColumns } from '../segment/snapshot';
import type { MergePolicy, Namespace } from '../types';
import type { ExportMember } from './payload';

const COUNTRY = /(^|\.)country(code)?$/i;

function withMembers<T>(db: Database, pids: number[], fn: () => T): T {
  run(db, { sql: 'CREATE TEMP TABLE IF NOT EXISTS act_members (pid INTEGER PRIMARY KEY)' });
  run(db, { sql: 'DELETE FROM temp.act_members' });
  const add = db.prepare('INSERT OR IGNORE INTO temp.act_members (pid) VALUES (?)');
  try {
    for (const pid of pids) add.run([pid]);
  } finally {
    add.free();
  }
  try {
    return fn();
  } finally {
    run(db, { sql: 'DELETE FROM temp.act_members' });
  }
}

/**
 * The members `pids` of an audience under `policy`, with the identities of `namespaces` (most recently
 * seen first) and the attribute paths asked for. `status` says which pids left the audience.
 */
export function readMembers(
  db: Database,
  allNamespaces: Map<string, Namespace>,
  policy: MergePolicy,
  pids: { pid: number; status: 'active' | 'exited' }[],
  namespaces: string[],
  attributes: string[]
): ExportMember[] {
  const byPid = new Map<number, ExportMember>();
  for (const { pid, status } of pids) {
    byPid.set(pid, {
      profileId: formatProfileId(pid),
      status,
      identities: Object.create(null) as Record<string, string[]>,
      attributes: Object.create(null) as Record<string, unknown>,
      country: null
    });
  }
  const graph = policy.stitching !== 'none';
  const wanted = namespaces.filter((ns) => ns !== 'profileId' && allNamespaces.has(ns));
  const linking = wanted.filter((ns) => allNamespaces.get(ns)!.linksRecords);
  const kept = wanted.filter((ns) => !allNamespaces.get(ns)!.linksRecords);
  const columns = snapshotColumns(db);
  const country = columns.find((c) => COUNTRY.test(c.path));
  const plain = attributes.filter((a) => !a.startsWith('calc.'));
  const attrColumns = columns.filter((c) => plain.includes(c.path));

  withMembers(
    db,
    pids.map((p) => p.pid),
    () => {
      const push = (rows: { pid: number; ns: string; value: string }[]) => {
        for (const r of rows) {
          const m = byPid.get(r.pid)!;
          const list = (m.identities[r.ns] ??= []);
          if (!list.includes(r.value)) list.push(r.value);
        }
      };
      const marks = (list: string[]) => list.map(() => '?').join(',');
      // identities that link records belong to the graph; partner and non-people ids ride on its records
      if (linking.length && graph) {
        push(
          all(db, {
            sql: `SELECT m.pid, i.ns, i.value FROM temp.act_members m CROSS JOIN identities i ON i.comp = m.pid
                   WHERE i.ns IN (${marks(linking)}) ORDER BY m.pid, i.last_seen DESC, i.iid`,
            params: linking
          })
        );
      }
      const viaRecords = graph ? kept : wanted;
      if (viaRecords.length) {
        const source = graph
          ? 'temp.act_members m CROSS JOIN identities g ON g.comp = m.pid CROSS JOIN records r ON r.fkey = g.iid'
          : 'temp.act_members m CROSS JOIN records r ON r.fkey = m.pid';
        push(
          all(db, {
            sql: `SELECT m.pid, x.ns, x.value, max(x.last_seen) AS seen FROM ${source}
                    JOIN datasets d ON d.id = r.dataset_id AND d.profile_enabled = 1
                    CROSS JOIN record_identities ri ON ri.rid = r.rid CROSS JOIN identities x ON x.iid = ri.iid
                   WHERE x.ns IN (${marks(viaRecords)})
                   GROUP BY m.pid, x.iid ORDER BY m.pid, seen DESC, x.iid`,
            params: viaRecords
          })
        );
      }
      const read = [...attrColumns, ...(country ? [country] : [])];
      if (read.length) {
        const rows = all<Record<string, unknown>>(db, {
          sql: `SELECT p.pid AS pid${read.map((c) => `, p."${c.column}"`).join('')}
                  FROM temp.act_members m JOIN seg_profiles p ON p.pid = m.pid AND p.policy = ?`,
          params: [policy.id]
        });
        for (const row of rows) {
          const m = byPid.get(row.pid as number)!;
          for (const c of attrColumns) {
            const v = row[c.column];
            if (v === null || v === undefined) continue;
            m.attributes[c.path] = c.type === 'boolean' ? v === 1 : v;
          }
          if (country && typeof row[country.column] === 'string') m.country = row[country.column] as string;
        }
      }
    }
  );

  // Calculated attributes are computed from a profile's events exactly as its profile page shows them
  const calcs = listCalculated(db).filter((c) => attributes.includes(`calc.${c.name}`));
  if (calcs.length) {
    for (const [pid, m] of byPid) {
      if (m.status === 'exited') continue;
      const profile = assembleProfile(db, graph ? { comp: pid } : { fragment: pid }, allNamespaces, {
        policy,
        calculated: calcs
      });
      for (const c of calcs) {
        const v = profile.calculated[c.name];
        if (v !== null && v !== undefined) m.attributes[`calc.${c.name}`] = v;
      }
    }
  }
  return pids.map((p) => byPid.get(p.pid)!);
}
