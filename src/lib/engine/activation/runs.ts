// The record of every activation run: what went where, how many, and the files (kept for the latest
// runs of each destination so they can be downloaded again), plus the members each (destination,
// audience) last received, which the next incremental run is compared with.
import type { Database } from '../db/sqlite';
import { all, one, run } from '../db/sql';
import { invalid, notFound } from '../errors';
import type { ActivationFile, ActivationRun } from '../types';

/** Runs per destination whose file contents are kept; older runs keep their counts and file names. */
export const KEPT_RUNS = 20;

interface RunRow {
  id: string;
  destination: string;
  audience_name: string;
  flow_id: string | null;
  mode: 'full' | 'incremental';
  started_at: string;
  finished_at: string;
  rows: number;
  identities: number;
  excluded: number;
  added: number;
  removed: number;
  files: string;
}

export function listRuns(db: Database, destination?: string): ActivationRun[] {
  const kept = new Set(
    all<{ k: string }>(db, { sql: 'SELECT DISTINCT run_id AS k FROM activation_files' }).map((r) => r.k)
  );
  return all<RunRow>(db, {
    sql: `SELECT * FROM activation_runs ${destination ? 'WHERE destination = ?' : ''} ORDER BY seq`,
    params: destination ? [destination] : []
  }).map((r) => ({
    id: r.id,
    destination: r.destination,
    audience: r.audience_name,
    flow: r.flow_id,
    mode: r.mode,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    rows: r.rows,
    identitiesActivated: r.identities,
    excluded: r.excluded,
    added: r.added,
    removed: r.removed,
    files: (JSON.parse(r.files) as { name: string; mimeType: string; bytes: number }[]).map((f) => ({
      ...f,
      kept: kept.has(r.id)
    }))
  }));
}

export function runFile(db: Database, runId: string, name: string): ActivationFile {
  if (typeof runId !== 'string' || typeof name !== 'string') {
    throw invalid('An activation file is named by its run id and file name.');
  }
  const r = one<{ name: string; mime_type: string; content: string }>(db, {
    sql: 'SELECT name, mime_type, content FROM activation_files WHERE run_id = ? AND name = ?',
    params: [runId, name]
  });
  if (!r) throw notFound('activation file', `${runId}/${name}`);
  return { name: r.name, mimeType: r.mime_type, content: r.content };
}

/** Whether (destination, audience) has been activated before: an incremental run needs a baseline. */
export function hasBaseline(db: Database, destination: string, audienceId: string): boolean {
  return !!one(db, {
    sql: 'SELECT 1 FROM activation_runs WHERE destination = ? AND audience_id = ? LIMIT 1',
    params: [destination, audienceId]
  });
}

/** The profile numbers (destination, audience) received and still holds. */
export function baseline(db: Database, destination: string, audienceId: string): Set<number> {
  return new Set(
    all<{ pid: number }>(db, {
      sql: 'SELECT pid FROM activation_members WHERE destination = ? AND audience_id = ?',
      params: [destination, audienceId]
    }).map((r) => r.pid)
  );
}

export interface RunRecord {
  id: string;
  destination: string;
  audience: { id: string; name: string };
  flow: string | null;
  mode: 'full' | 'incremental';
  startedAt: string;
  rows: number;
  identitiesActivated: number;
  excluded: number;
  added: number;
  removed: number;
  files: ActivationFile[];
  /** What the destination holds after this run */
  holds: Iterable<number>;
}

const bytes = (text: string) => new TextEncoder().encode(text).length;

/** Call inside a transaction: the run, its files and the destination's new baseline land together. */
export function recordRun(db: Database, r: RunRecord): void {
  run(db, {
    sql: `INSERT INTO activation_runs (id, destination, audience_id, audience_name, flow_id, mode, started_at,
            finished_at, rows, identities, excluded, added, removed, files)
          VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    params: [
      r.id,
      r.destination,
      r.audience.id,
      r.audience.name,
      r.flow,
      r.mode,
      r.startedAt,
      new Date().toISOString(),
      r.rows,
      r.identitiesActivated,
      r.excluded,
      r.added,
      r.removed,
      JSON.stringify(r.files.map((f) => ({ name: f.name, mimeType: f.mimeType, bytes: bytes(f.content) })))
    ]
  });
  const file = db.prepare('INSERT INTO activation_files (run_id, name, mime_type, content) VALUES (?,?,?,?)');
  try {
    for (const f of r.files) file.run([r.id, f.name, f.mimeType, f.content]);
  } finally {
    file.free();
  }
  run(db, {
    sql: 'DELETE FROM activation_members WHERE destination = ? AND audience_id = ?',
    params: [r.destination, r.audience.id]
  });
  const hold = db.prepare('INSERT INTO activation_members (destination, audience_id, pid) VALUES (?,?,?)');
  try {
    for (const pid of r.holds) hold.run([r.destination, r.audience.id, pid]);
  } finally {
    hold.free();
  }
  // a sandbox stays small: only the latest runs of a destination keep their file contents
  run(db, {
    sql: `DELETE FROM activation_files WHERE run_id IN (
            SELECT id FROM activation_runs WHERE destination = ? ORDER BY seq DESC LIMIT -1 OFFSET ?)`,
    params: [r.destination, KEPT_RUNS]
  });
}
