// An activation: check the request, evaluate every enabled policy on what would reach the destination
// (governance/evaluate.ts), and only when nothing is denied read the members, write the destination's
// files and record the run. The UI's review step asks the same question (reviewActivation), but the
// export itself never trusts it: activate evaluates again.
import type { Database } from '../db/sqlite';
import { transaction } from '../db/sql';
import { invalid, optionalBoolean } from '../errors';
import { newId } from '../ids';
import { evaluateActivation } from '../governance/evaluate';
import { reachingFields } from '../governance/lineage';
import { listPolicies } from '../governance/policies';
import { listCalculated } from '../profile/calculated';
import { audienceFields, audiencePids, findAudience } from '../segment/audiences';
import { snapshotColumns } from '../segment/snapshot';
import { findMergePolicy } from '../profile/mergePolicies';
import type {
  ActivationRequest,
  ActivationResult,
  ActivationReview,
  Audience,
  DestinationDetails,
  FieldLineage,
  Namespace,
  Violation
} from '../types';
import { all } from '../db/sql';
import { findDestination } from './destinations';
import { readMembers } from './members';
import type { AttributeMapping } from './payload';
import { writePayload } from './payloads';
import { baseline, hasBaseline, recordRun } from './runs';

const MAX_TARGET = 100;

export interface Plan {
  audience: Audience;
  destination: DestinationDetails;
  identities: string[];
  attributes: AttributeMapping[];
  fields: FieldLineage[];
  violations: Violation[];
  mergePolicy: { id: string; name: string };
}

function strings(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw invalid(`${what} is a list of names.`, { [what]: value });
  }
  return [...new Set(value as string[])];
}

function checkIdentities(
  d: DestinationDetails,
  namespaces: Map<string, Namespace>,
  value: unknown
): string[] {
  const asked = strings(value, 'identities');
  if (asked.length === 0) {
    throw invalid(`Map at least one identity for ${d.name}: it takes ${d.identities.join(', ')}.`);
  }
  return asked.map((a) => {
    const code = d.identities.find((i) => i.toLowerCase() === a.toLowerCase());
    if (!code) {
      throw invalid(`${d.name} does not take ${a} identities; it takes ${d.identities.join(', ')}.`, {
        identity: a,
        accepted: d.identities
      });
    }
    if (code !== 'profileId' && !namespaces.has(code)) {
      throw invalid(`This sandbox has no ${code} namespace.`, { identity: code });
    }
    return code;
  });
}

function checkAttributes(db: Database, req: ActivationRequest): AttributeMapping[] {
  if (req.attributes === undefined) return [];
  const paths = strings(req.attributes, 'attributes');
  const known = new Set([
    ...snapshotColumns(db).map((c) => c.path),
    ...listCalculated(db).map((c) => `calc.${c.name}`)
  ]);
  const targets = req.targets ?? {};
  if (typeof targets !== 'object' || targets === null || Array.isArray(targets)) {
    throw invalid('targets names each attribute\u2019s destination name by its path.');
  }
  const used = new Set<string>();
  return paths.map((path) => {
    if (!known.has(path))
      throw invalid(`"${path}" is not a profile attribute of this sandbox.`, { attribute: path });
    const t = Object.prototype.hasOwnProperty.call(targets, path)
      ? (targets as Record<string, unknown>)[path]
      : path;
    if (typeof t !== 'string' || !t.trim() || t.length > MAX_TARGET) {
      throw invalid(`The destination name of ${path} is text of 1 to ${MAX_TARGET} characters.`, {
        attribute: path
      });
    }
    const target = t.trim();
    if (used.has(target)) throw invalid(`Two attributes are sent as "${target}".`, { target });
    used.add(target);
    return { path, target };
  });
}

/** The request checked and its policies evaluated, without reading members or writing anything. */
export function planActivation(
  db: Database,
  namespaces: Map<string, Namespace>,
  req: ActivationRequest
): Plan {
  if (!req || typeof req !== 'object') {
    throw invalid('An activation is { audience, destination, identities, attributes? }.');
  }
  const audience = findAudience(db, req.audience);
  const destination = findDestination(db, req.destination);
  const identities = checkIdentities(destination, namespaces, req.identities);
  const attributes = checkAttributes(db, req);
  optionalBoolean(req.incremental, 'incremental');
  const policy = findMergePolicy(db, audience.mergePolicy);
  const fields = reachingFields(db, {
    rule: audienceFields(db, audience),
    attributes: attributes.map((a) => a.path),
    identities
  });
  const datasets = new Map(
    all<{ id: string; name: string }>(db, { sql: 'SELECT id, name FROM datasets' }).map((r) => [r.name, r.id])
  );
  const mergePolicy = { id: policy.id, name: policy.name };
  const violations = evaluateActivation({
    policies: listPolicies(db),
    marketingActions: destination.marketingActions,
    fields,
    datasets,
    mergePolicy,
    audience: { id: audience.id, name: audience.name },
    destination: { id: destination.id, name: destination.name }
  });
  return { audience, destination, identities, attributes, fields, violations, mergePolicy };
}

export function reviewActivation(
  db: Database,
  namespaces: Map<string, Namespace>,
  req: ActivationRequest
): ActivationReview {
  const p = planActivation(db, namespaces, req);
  return {
    status: p.violations.length ? 'blocked' : 'allowed',
    violations: p.violations,
    fields: p.fields,
    marketingActions: p.destination.marketingActions,
    mergePolicy: p.mergePolicy.name,
    members: audiencePids(db, p.audience).pids.length
  };
}

export async function activate(
  db: Database,
  namespaces: Map<string, Namespace>,
  req: ActivationRequest,
  flow: string | null = null
): Promise<ActivationResult> {
  const p = planActivation(db, namespaces, req);
  if (p.violations.length) return { status: 'blocked', violations: p.violations };
  // after the policies: data that may not go anywhere is reported as blocked, whatever else is wrong
  if (p.attributes.length && !p.destination.takesAttributes) {
    const d = p.destination;
    throw invalid(
      `${d.name} takes only its match keys (${d.identities.join(', ')}), not profile attributes.`
    );
  }
  if (req.rowLimit !== undefined && (!Number.isSafeInteger(req.rowLimit) || req.rowLimit < 1)) {
    throw invalid('rowLimit is a whole number of rows, 1 or more.');
  }
  const startedAt = new Date();
  const { pids, policy } = audiencePids(db, p.audience);
  const incremental = req.incremental === true && hasBaseline(db, p.destination.id, p.audience.id);
  const before = incremental ? baseline(db, p.destination.id, p.audience.id) : new Set<number>();
  const now = new Set(pids);
  const send = incremental
    ? [
        ...pids.filter((pid) => !before.has(pid)).map((pid) => ({ pid, status: 'active' as const })),
        ...[...before].filter((pid) => !now.has(pid)).map((pid) => ({ pid, status: 'exited' as const }))
      ]
    : pids.map((pid) => ({ pid, status: 'active' as const }));
  const members = readMembers(
    db,
    namespaces,
    policy,
    send,
    p.identities,
    p.attributes.map((a) => a.path)
  );
  const runId = newId('run');
  const result = await writePayload({
    destination: p.destination.id,
    audience: { id: p.audience.id, name: p.audience.name },
    runId,
    startedAt,
    members,
    identities: p.identities,
    attributes: p.attributes,
    incremental,
    ...(req.rowLimit ? { rowLimit: req.rowLimit } : {})
  });
  // The destination now holds who it held, plus those sent active, less those sent as exited; a
  // member left out (no identity it takes) is not held, so the next incremental run tries again.
  const written = new Set(result.written ?? members.map((m) => m.profileId));
  const holds = new Set(incremental ? before : []);
  members.forEach((m, i) => {
    const pid = send[i].pid;
    if (m.status === 'exited') holds.delete(pid);
    else if (written.has(m.profileId)) holds.add(pid);
  });
  const added = members.filter((m) => m.status === 'active' && written.has(m.profileId)).length;
  const removed = members.filter((m) => m.status === 'exited').length;
  transaction(db, () =>
    recordRun(db, {
      id: runId,
      destination: p.destination.id,
      audience: { id: p.audience.id, name: p.audience.name },
      flow,
      mode: incremental ? 'incremental' : 'full',
      startedAt: startedAt.toISOString(),
      rows: result.rows,
      identitiesActivated: result.identitiesActivated,
      excluded: result.excluded,
      added,
      removed,
      files: result.files,
      holds
    })
  );
  return {
    status: 'exported',
    rows: result.rows,
    files: result.files,
    runId,
    identitiesActivated: result.identitiesActivated,
    excluded: result.excluded,
    added,
    removed,
    incremental
  };
}
