// Audiences: stored rules under a merge policy, evaluated exactly (no sampling) on the profile
// snapshot whenever they are read, so a membership is never stale.
import { partnerDatasetIds } from '../profile/kind';
import { recordPaths } from '../catalog/recordValues';
import type { Database } from '../db/sqlite';
import { all, one, run, transaction } from '../db/sql';
import { CdpError, invalid, notFound } from '../errors';
import { newId, nowIso } from '../ids';
import { formatProfileId } from '../identity/profileId';
import { listCalculated } from '../profile/calculated';
import { findMergePolicy } from '../profile/mergePolicies';
import type {
  Audience,
  AudienceDef,
  AudienceOverlap,
  FieldDef,
  MergePolicy,
  RuleEvaluation,
  SchemaDef
} from '../types';
import { compileRule, type CompiledRule, type RuleContext } from './compile';
import { refreshSnapshot, rewriteRows, snapshotColumns, type SnapshotColumn } from './snapshot';
import { objectName } from '../names';

interface Row {
  id: string;
  name: string;
  rule: string;
  merge_policy: string;
  description: string;
  created_at: string;
}

const SAMPLE = 20;

/** What rules may read in this sandbox: read once per call, shared by every rule it compiles. */
type RuleCatalog = Pick<
  RuleContext,
  'attributes' | 'eventFields' | 'calculated' | 'eventDatasets' | 'partnerDatasets'
>;

function ruleCatalog(db: Database, columns: SnapshotColumn[]): RuleCatalog {
  const eventFields = new Map<string, FieldDef['type']>();
  for (const { def } of all<{ def: string }>(db, { sql: "SELECT def FROM schemas WHERE class = 'event'" })) {
    for (const f of (JSON.parse(def) as SchemaDef).fields)
      if (!eventFields.has(f.path)) eventFields.set(f.path, f.type);
  }
  const eventDatasets = all<{ id: string; def: string }>(db, {
    sql: `SELECT d.id, s.def FROM datasets d JOIN schemas s ON s.id = d.schema_id
           WHERE s.class = 'event' AND d.profile_enabled = 1 ORDER BY d.rowid`
  }).map((r) => ({ id: r.id, paths: recordPaths(r.def) }));
  return {
    attributes: new Map(columns.map((c) => [c.path, { type: c.type, column: c.column }])),
    eventFields,
    calculated: new Map(listCalculated(db).map((c) => [c.name, c])),
    eventDatasets,
    partnerDatasets: partnerDatasetIds(db)
  };
}

function compile(
  rule: string,
  catalog: RuleCatalog,
  policy: MergePolicy,
  paramPrefix?: string
): CompiledRule {
  return compileRule(rule, { ...catalog, stitching: policy.stitching, now: Date.now(), paramPrefix });
}

function selectMembers(compiled: CompiledRule): string {
  return `SELECT p.pid FROM seg_profiles p WHERE p.policy = :policy AND ${compiled.where}`;
}

/** Checks and compiles the rule first, so a typo costs no snapshot refresh. */
function prepared(db: Database, rule: string, policy: MergePolicy) {
  const columns = snapshotColumns(db);
  const catalog = ruleCatalog(db, columns);
  const compiled = compile(rule, catalog, policy);
  transaction(db, () => refreshSnapshot(db, policy, columns));
  const params: Record<string, string | number | null> = { ...compiled.params, ':policy': policy.id };
  return { compiled, params, catalog };
}

export function evaluateRule(db: Database, rule: string, mergePolicy?: string): RuleEvaluation {
  const policy = findMergePolicy(db, mergePolicy);
  const { compiled, params } = prepared(db, rule, policy);
  const sql = selectMembers(compiled);
  const count = Number(one<{ n: number }>(db, { sql: `SELECT count(*) AS n FROM (${sql})`, params })!.n);
  const sample = all<{ pid: number }>(db, { sql: `${sql} ORDER BY p.pid LIMIT ${SAMPLE}`, params }).map((r) =>
    formatProfileId(r.pid)
  );
  return { count, sample, sql, fields: compiled.fields, mergePolicy: policy.name };
}

function fromRow(db: Database, r: Row): Audience {
  return {
    id: r.id,
    name: r.name,
    rule: r.rule,
    mergePolicy: findMergePolicy(db, r.merge_policy).name,
    description: r.description,
    createdAt: r.created_at
  };
}

export function listAudiences(db: Database): Audience[] {
  return all<Row>(db, { sql: 'SELECT * FROM audiences ORDER BY rowid' }).map((r) => fromRow(db, r));
}

export function findAudience(db: Database, nameOrId: string): Audience {
  if (typeof nameOrId !== 'string') throw invalid('An audience is named by its name or id.');
  const r = one<Row>(db, {
    sql: 'SELECT * FROM audiences WHERE id = ? OR name = ? COLLATE NOCASE',
    params: [nameOrId, nameOrId]
  });
  if (!r) throw notFound('audience', nameOrId);
  return fromRow(db, r);
}

export function insertAudience(db: Database, def: AudienceDef): Audience {
  if (!def || typeof def !== 'object') throw invalid('An audience is { name, rule }.');
  objectName(def.name, 'An audience');
  if (typeof def.rule !== 'string' || !def.rule.trim()) throw invalid('An audience needs a rule.');
  const name = def.name.trim();
  const policy = findMergePolicy(db, def.mergePolicy);
  compile(def.rule, ruleCatalog(db, snapshotColumns(db)), policy);
  if (one(db, { sql: 'SELECT 1 FROM audiences WHERE name = ? COLLATE NOCASE', params: [name] })) {
    throw new CdpError('already_exists', `An audience named "${name}" already exists.`, { name });
  }
  const id = newId('aud');
  run(db, {
    sql: 'INSERT INTO audiences (id, name, rule, merge_policy, description, created_at) VALUES (?,?,?,?,?,?)',
    params: [id, name, def.rule, policy.id, def.description?.trim() ?? '', nowIso()]
  });
  return findAudience(db, id);
}

export function deleteAudience(db: Database, nameOrId: string): void {
  const audience = findAudience(db, nameOrId);
  run(db, { sql: 'DELETE FROM audiences WHERE id = ?', params: [audience.id] });
}

/**
 * How an audience overlaps each other audience of the same merge policy: both rules in one query over
 * the snapshot, so the shared count is exact. Audiences under another policy are listed without counts
 * (their profiles are merged differently, so "the same profile" is not defined between them).
 */
export function audienceOverlap(db: Database, nameOrId: string): AudienceOverlap[] {
  const audience = findAudience(db, nameOrId);
  const policy = findMergePolicy(db, audience.mergePolicy);
  const { compiled, params, catalog } = prepared(db, audience.rule, policy);
  return listAudiences(db)
    .filter((other) => other.id !== audience.id)
    .map((other) => {
      if (other.mergePolicy !== audience.mergePolicy) {
        return { audience: other.name, mergePolicy: other.mergePolicy, size: null, shared: null };
      }
      const b = compile(other.rule, catalog, policy, 'o');
      const both = { ...params, ...b.params };
      const count = (where: string) =>
        Number(
          one<{ n: number }>(db, {
            sql: `SELECT count(*) AS n FROM seg_profiles p WHERE p.policy = :policy AND ${where}`,
            params: both
          })!.n
        );
      return {
        audience: other.name,
        mergePolicy: other.mergePolicy,
        size: count(b.where),
        shared: count(`${compiled.where} AND ${b.where}`)
      };
    });
}

/** An audience's members as profile numbers (seg_profiles.pid), with the policy and what the rule reads. */
export function audiencePids(
  db: Database,
  audience: Audience
): { pids: number[]; policy: MergePolicy; fields: string[] } {
  const policy = findMergePolicy(db, audience.mergePolicy);
  const { compiled, params } = prepared(db, audience.rule, policy);
  const pids = all<{ pid: number }>(db, { sql: `${selectMembers(compiled)} ORDER BY p.pid`, params }).map(
    (r) => r.pid
  );
  return { pids, policy, fields: compiled.fields };
}

/** What an audience's rule reads, without evaluating it. */
export function audienceFields(db: Database, audience: Audience): string[] {
  const policy = findMergePolicy(db, audience.mergePolicy);
  return compile(audience.rule, ruleCatalog(db, snapshotColumns(db)), policy).fields;
}

/** Every member's profile id, in profile-number order. */
export function audienceMembers(db: Database, nameOrId: string): string[] {
  return audiencePids(db, findAudience(db, nameOrId)).pids.map(formatProfileId);
}

/**
 * The audiences a profile belongs to. A profile is a graph (comp) or one fragment; an audience under
 * a policy without stitching looks at the fragments the profile is made of. Only this profile's rows
 * of the snapshot are rebuilt, so a lookup right after a large upload does not wait for the rest.
 */
export function audiencesOf(db: Database, target: { comp: number } | { fragment: number }): string[] {
  const audiences = listAudiences(db);
  if (!audiences.length) return [];
  const comp =
    'comp' in target
      ? target.comp
      : (one<{ comp: number }>(db, {
          sql: 'SELECT comp FROM identities WHERE iid = ?',
          params: [target.fragment]
        })?.comp ?? null);
  const fragments =
    'fragment' in target
      ? [target.fragment]
      : all<{ f: number }>(db, {
          sql: `SELECT DISTINCT r.fkey AS f FROM identities i JOIN records r ON r.fkey = i.iid WHERE i.comp = ?`,
          params: [target.comp]
        }).map((r) => r.f);
  const columns = snapshotColumns(db);
  const catalog = ruleCatalog(db, columns);
  const rebuilt = new Set<string>();
  const out: string[] = [];
  for (const a of audiences) {
    const policy = findMergePolicy(db, a.mergePolicy);
    const pids = policy.stitching === 'none' ? fragments : comp === null ? [] : [comp];
    if (!pids.length) continue;
    if (!rebuilt.has(policy.id)) {
      rewriteRows(db, policy, columns, pids);
      rebuilt.add(policy.id);
    }
    const compiled = compile(a.rule, catalog, policy);
    const params: Record<string, string | number | null> = { ...compiled.params, ':policy': policy.id };
    const marks = pids.map((pid, i) => {
      params[`:pid${i}`] = pid;
      return `:pid${i}`;
    });
    const hit = one(db, {
      sql: `${selectMembers(compiled)} AND p.pid IN (${marks.join(', ')}) LIMIT 1`,
      params
    });
    if (hit) out.push(a.name);
  }
  return out;
}
