// Saved activations: a destination, its audiences, the mapping and a schedule. The engine stores them
// and runs one when asked; the app asks while it is open and a flow is due (a browser tab has no cron).
import type { Database } from '../db/sqlite';
import { all, one, run } from '../db/sql';
import { invalid, notFound } from '../errors';
import { newId, nowIso } from '../ids';
import { findAudience } from '../segment/audiences';
import type { ActivationFlow, ActivationFlowDef, ActivationResult, Namespace } from '../types';
import { activate, planActivation } from './activate';
import { findDestination } from './destinations';

/** A day: the longest interval between runs the schedule offers. */
const MAX_MINUTES = 24 * 60;

interface Row {
  id: string;
  destination: string;
  def: string;
  created_at: string;
  last_run_at: string | null;
}

function fromRow(r: Row): ActivationFlow {
  const def = JSON.parse(r.def) as ActivationFlowDef;
  const next =
    r.last_run_at === null
      ? r.created_at
      : def.everyMinutes === null
        ? null
        : new Date(Date.parse(r.last_run_at) + def.everyMinutes * 60_000).toISOString();
  return { ...def, id: r.id, createdAt: r.created_at, lastRunAt: r.last_run_at, nextRunAt: next };
}

export function listFlows(db: Database): ActivationFlow[] {
  return all<Row>(db, { sql: 'SELECT * FROM activation_flows ORDER BY rowid' }).map(fromRow);
}

export function findFlow(db: Database, id: unknown): ActivationFlow {
  if (typeof id !== 'string') throw invalid('A saved activation is named by its id.');
  const r = one<Row>(db, { sql: 'SELECT * FROM activation_flows WHERE id = ?', params: [id] });
  if (!r) throw notFound('saved activation', id);
  return fromRow(r);
}

/** Checks the parts that do not depend on policies (those are checked when it runs, every time). */
export function insertFlow(
  db: Database,
  namespaces: Map<string, Namespace>,
  def: ActivationFlowDef
): ActivationFlow {
  if (!def || typeof def !== 'object')
    throw invalid('A saved activation is { destination, audiences, ... }.');
  const destination = findDestination(db, def.destination);
  if (!Array.isArray(def.audiences) || def.audiences.length === 0) {
    throw invalid('Choose at least one audience to activate.');
  }
  const audiences = [...new Set(def.audiences.map((a) => findAudience(db, a).name))];
  if (def.mode !== 'full' && def.mode !== 'incremental') throw invalid('mode is "full" or "incremental".');
  // identities, attributes and targets checked as activate checks them, so a bad flow is refused now,
  // not on its first scheduled run
  const checked = planActivation(db, namespaces, {
    audience: audiences[0],
    destination: destination.id,
    identities: def.identities,
    ...(def.attributes !== undefined ? { attributes: def.attributes } : {}),
    ...(def.targets !== undefined ? { targets: def.targets } : {})
  });
  const every = def.everyMinutes;
  if (every !== null && (!Number.isSafeInteger(every) || every < 1 || every > MAX_MINUTES)) {
    throw invalid(`everyMinutes is null (once) or 1 to ${MAX_MINUTES}.`);
  }
  const stored: ActivationFlowDef = {
    destination: destination.id,
    audiences,
    identities: checked.identities,
    ...(def.attributes !== undefined ? { attributes: checked.attributes.map((a) => a.path) } : {}),
    ...(def.targets !== undefined
      ? { targets: Object.fromEntries(checked.attributes.map((a) => [a.path, a.target])) }
      : {}),
    mode: def.mode,
    everyMinutes: every
  };
  const id = newId('flow');
  run(db, {
    sql: 'INSERT INTO activation_flows (id, destination, def, created_at) VALUES (?,?,?,?)',
    params: [id, destination.id, JSON.stringify(stored), nowIso()]
  });
  return findFlow(db, id);
}

/**
 * An audience a saved activation sends cannot be deleted: the flow would fail on its next run, or, once
 * another audience took the name, send that one's members to the destination instead.
 */
export function refuseIfSent(db: Database, nameOrId: string): void {
  const audience = findAudience(db, nameOrId).name;
  const flows = listFlows(db).filter((f) => f.audiences.includes(audience));
  if (flows.length === 0) return;
  const which = flows.map((f) => `to ${f.destination} (${f.id})`).join(', ');
  throw invalid(
    `Audience "${audience}" is sent by ${flows.length === 1 ? 'a saved activation' : `${flows.length} saved activations`} ${which}: delete ${flows.length === 1 ? 'it' : 'them'} first, then the audience.`,
    { audience, flows: flows.map((f) => f.id) }
  );
}

export function deleteFlow(db: Database, id: string): void {
  run(db, { sql: 'DELETE FROM activation_flows WHERE id = ?', params: [findFlow(db, id).id] });
}

export function markFlowRun(db: Database, id: string, at: string): void {
  run(db, { sql: 'UPDATE activation_flows SET last_run_at = ? WHERE id = ?', params: [at, id] });
}

/**
 * Runs a saved activation now: each audience in turn, every one evaluated against the policies as
 * they are today. A blocked audience exports nothing; the others still run.
 */
export async function runFlow(
  db: Database,
  namespaces: Map<string, Namespace>,
  id: string
): Promise<{ flow: ActivationFlow; results: ActivationResult[] }> {
  const flow = findFlow(db, id);
  const at = nowIso();
  // every audience must still exist before any is exported: a flow half run and then failed would
  // stay due and export its first audiences again on every tick
  for (const audience of flow.audiences) findAudience(db, audience);
  const results: ActivationResult[] = [];
  try {
    for (const audience of flow.audiences) {
      results.push(
        await activate(
          db,
          namespaces,
          {
            audience,
            destination: flow.destination,
            identities: flow.identities,
            ...(flow.attributes ? { attributes: flow.attributes } : {}),
            ...(flow.targets ? { targets: flow.targets } : {}),
            incremental: flow.mode === 'incremental'
          },
          flow.id
        )
      );
    }
  } finally {
    // a run that exported anything counts, so a later failure does not make it due again at once
    if (results.length) markFlowRun(db, flow.id, at);
  }
  return { flow: findFlow(db, flow.id), results };
}
