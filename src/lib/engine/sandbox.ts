// The Sandbox: one sql.js database holding a whole CDP, behind the contract of ../shared/DESIGN.md.
/* eslint-disable @typescript-eslint/require-await --
   Every contract method is async, so a thrown CdpError is a rejected promise in node as it is through
   the worker, whether or not the method awaits anything. */
import { DESTINATIONS } from './activation/destinations';
import { findDataset, insertDataset, listDatasets } from './catalog/datasets';
import { getNamespace, insertNamespace, listNamespaces } from './catalog/namespaces';
import { findSchema, insertSchema, listSchemas } from './catalog/schemas';
import { readMeta, writeMeta } from './db/meta';
import { readOnlyQuery } from './db/readonly';
import { all, one, transaction } from './db/sql';
import { applyPragmas, type Database } from './db/sqlite';
import { CdpError, invalid } from './errors';
import { LABELS, MARKETING_ACTIONS } from './governance/labels';
import { toCsv, toJson } from './generate/format';
import { generateRecords } from './generate/records';
import { explainGraph } from './identity/explain';
import { normalizeIdentity } from './identity/normalize';
import { formatProfileId } from './identity/profileId';
import {
  audienceMembers,
  audienceOverlap,
  audiencesOf,
  deleteAudience,
  evaluateRule,
  insertAudience,
  listAudiences
} from './segment/audiences';
import { resolveAnonymous, resolveComp, resolveFragment } from './identity/resolve';
import { relinkBlocked } from './identity/relink';
import { readIdentitySettings, writeIdentitySettings } from './identity/settings';
import { deleteBatch } from './ingest/deleteBatch';
import { ingestFile } from './ingest/ingest';
import { assembleProfile, type ProfileTarget } from './profile/assemble';
import { browseProfiles } from './profile/browse';
import { profileKinds } from './profile/kind';
import { insertCalculated, listCalculated } from './profile/calculated';
import { findMergePolicy, insertMergePolicy, listMergePolicies } from './profile/mergePolicies';
import type {
  ActivationResult,
  CalculatedAttribute,
  CalculatedAttributeDef,
  IdentitySettings,
  ProfileKind,
  ProfilePage,
  MergePolicy,
  MergePolicyDef,
  Audience,
  AudienceDef,
  AudienceOverlap,
  RuleEvaluation,
  BatchReport,
  Dataset,
  Destination,
  IdentityGraph,
  IdentityMatch,
  IngestOptions,
  Label,
  LabelExpr,
  MarketingAction,
  Namespace,
  NamespaceDef,
  Policy,
  Profile,
  QueryResult,
  Sandbox,
  SandboxSummary,
  Schema,
  SchemaDef,
  TemplateName
} from './types';

interface BatchRow {
  id: string;
  dataset: string;
  status: BatchReport['status'];
  rows_read: number;
  rows_ingested: number;
  rows_failed: number;
  errors: string;
  warnings: string;
  file_name: string;
  format: BatchReport['format'];
  bytes: number;
  started_at: string;
  finished_at: string;
  profiles_touched: number;
  rows_already_stored: number;
}

function notYet(what: string): CdpError {
  return new CdpError('not_implemented', `${what} is not built yet in this version of Pocket CDP.`);
}

function csvCell(v: string | number | undefined): string {
  const s = v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The engine's calls over one database; openSandbox() hands it out behind one queue (./queue.ts). */
export class SqlSandbox implements Sandbox {
  constructor(private readonly db: Database) {}

  private nsMap(): Map<string, Namespace> {
    return new Map(listNamespaces(this.db).map((n) => [n.code, n]));
  }

  meta(key: string): string | undefined {
    return readMeta(this.db, key);
  }

  setMeta(key: string, value: string): void {
    writeMeta(this.db, key, value);
  }

  // catalog
  async namespaces(): Promise<Namespace[]> {
    return listNamespaces(this.db);
  }
  async createNamespace(ns: NamespaceDef): Promise<Namespace> {
    return insertNamespace(this.db, ns, false);
  }
  async schemas(): Promise<Schema[]> {
    return listSchemas(this.db);
  }
  async createSchema(def: SchemaDef): Promise<Schema> {
    return insertSchema(this.db, def);
  }
  async datasets(): Promise<Dataset[]> {
    return listDatasets(this.db);
  }
  async createDataset(def: { name: string; schema: string; profileEnabled?: boolean }): Promise<Dataset> {
    return insertDataset(this.db, def);
  }

  // ingestion
  async ingest(
    dataset: string,
    input: string | Uint8Array | Blob,
    opts: IngestOptions = {}
  ): Promise<BatchReport> {
    const ds = findDataset(this.db, dataset);
    const schema = findSchema(this.db, ds.schema);
    const blocked = new Set(readIdentitySettings(this.db).blockedValues.map((v) => v.trim().toLowerCase()));
    return ingestFile({ db: this.db, namespaces: this.nsMap(), blocked }, ds, schema, input, opts);
  }
  async batches(dataset?: string): Promise<BatchReport[]> {
    const ds = dataset === undefined ? undefined : findDataset(this.db, dataset);
    const rows = all<BatchRow>(this.db, {
      sql: `SELECT b.*, d.name AS dataset FROM batches b JOIN datasets d ON d.id = b.dataset_id
             ${ds ? 'WHERE b.dataset_id = ?' : ''} ORDER BY b.seq`,
      params: ds ? [ds.id] : []
    });
    return rows.map((r) => ({
      batchId: r.id,
      dataset: r.dataset,
      status: r.status,
      rowsRead: r.rows_read,
      rowsIngested: r.rows_ingested,
      rowsFailed: r.rows_failed,
      rowsAlreadyStored: r.rows_already_stored,
      errors: JSON.parse(r.errors) as BatchReport['errors'],
      warnings: JSON.parse(r.warnings) as BatchReport['warnings'],
      fileName: r.file_name,
      format: r.format,
      bytes: r.bytes,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      profilesTouched: r.profiles_touched
    }));
  }
  async deleteBatch(batchId: string): Promise<void> {
    return deleteBatch(this.db, this.nsMap(), batchId);
  }
  async batchErrorsCsv(batchId: string): Promise<string> {
    const batch = (await this.batches()).find((b) => b.batchId === batchId);
    if (!batch) throw new CdpError('not_found', `No batch "${batchId}" in this sandbox.`, { batchId });
    const lines = ['row,column,code,message'];
    for (const e of [...batch.errors, ...batch.warnings]) {
      lines.push([e.row, e.column ?? '', e.code, e.message].map(csvCell).join(','));
    }
    return `${lines.join('\r\n')}\r\n`;
  }

  // profiles and identity
  async profile(namespace: string, id: string, opts?: { mergePolicy?: string }): Promise<Profile | null> {
    // 'default' names whichever policy is the sandbox's default
    const policy = findMergePolicy(this.db, opts?.mergePolicy === 'default' ? undefined : opts?.mergePolicy);
    const namespaces = this.nsMap();
    const assemble = (target: ProfileTarget, anonymous?: 'exclude' | 'only') => ({
      ...assembleProfile(this.db, target, namespaces, {
        policy,
        calculated: listCalculated(this.db),
        anonymous
      }),
      audiences: anonymous === 'only' ? [] : audiencesOf(this.db, target)
    });
    if (policy.stitching === 'none') {
      const fragment = resolveFragment(this.db, namespaces, namespace, id);
      return fragment === null ? null : assemble({ fragment });
    }
    if (readIdentitySettings(this.db).strategy === 'isolate') {
      const anonymous = resolveAnonymous(this.db, namespaces, namespace, id);
      if (anonymous !== null) return assemble({ fragment: anonymous }, 'only');
      const comp = resolveComp(this.db, namespaces, namespace, id);
      return comp === null ? null : assemble({ comp }, 'exclude');
    }
    const comp = resolveComp(this.db, namespaces, namespace, id);
    return comp === null ? null : assemble({ comp });
  }
  async browseProfiles(opts: { kind: ProfileKind; offset?: number; limit?: number }): Promise<ProfilePage> {
    return browseProfiles(this.db, this.nsMap(), opts, { policy: findMergePolicy(this.db), calculated: [] });
  }
  async identitySettings(): Promise<IdentitySettings> {
    return readIdentitySettings(this.db);
  }
  async updateIdentitySettings(patch: Partial<IdentitySettings>): Promise<IdentitySettings> {
    return transaction(this.db, () => {
      const before = readIdentitySettings(this.db).blockedValues;
      const after = writeIdentitySettings(this.db, patch);
      relinkBlocked(this.db, this.nsMap(), before, after.blockedValues);
      return after;
    });
  }
  async mergePolicies(): Promise<MergePolicy[]> {
    return listMergePolicies(this.db);
  }
  async createMergePolicy(def: MergePolicyDef): Promise<MergePolicy> {
    return insertMergePolicy(this.db, def);
  }
  async calculatedAttributes(): Promise<CalculatedAttribute[]> {
    return listCalculated(this.db);
  }
  async createCalculatedAttribute(def: CalculatedAttributeDef): Promise<CalculatedAttribute> {
    return insertCalculated(
      this.db,
      def,
      listSchemas(this.db).filter((s) => s.class === 'event')
    );
  }
  async identityGraph(namespace: string, id: string): Promise<IdentityGraph | null> {
    const namespaces = this.nsMap();
    const comp = resolveComp(this.db, namespaces, namespace, id);
    return comp === null ? null : explainGraph(this.db, comp, namespaces);
  }
  async searchIdentities(text: string, limit = 50): Promise<IdentityMatch[]> {
    const q = typeof text === 'string' ? text.trim() : '';
    if (!q) return [];
    const namespaces = this.nsMap();
    const forms = new Set([q, q.toLowerCase(), normalizeIdentity({ code: 'Phone', type: 'phone' }, q)]);
    const rows = all<{ iid: number; ns: string; value: string; comp: number }>(this.db, {
      sql: `SELECT iid, ns, value, comp FROM identities
             WHERE ${[...forms].map(() => "value LIKE ? ESCAPE '\\'").join(' OR ')} ORDER BY value, ns LIMIT ?`,
      params: [
        ...[...forms].map((f) => `${f.replace(/[\\%_]/g, (c) => `\\${c}`)}%`),
        Math.max(1, Math.min(500, limit))
      ]
    });
    return rows.map((r) => {
      const linking = namespaces.get(r.ns)?.linksRecords ?? false;
      const comp = linking ? r.comp : resolveComp(this.db, namespaces, r.ns, r.value);
      return {
        namespace: r.ns,
        id: r.value,
        inGraph: linking,
        profileId: comp ? formatProfileId(comp) : null
      };
    });
  }

  // segmentation
  async audiences(): Promise<Audience[]> {
    return listAudiences(this.db);
  }
  async createAudience(def: AudienceDef): Promise<Audience> {
    return insertAudience(this.db, def);
  }
  async deleteAudience(audience: string): Promise<void> {
    return deleteAudience(this.db, audience);
  }
  async audienceOverlap(audience: string): Promise<AudienceOverlap[]> {
    return audienceOverlap(this.db, audience);
  }
  async evaluate(rule: string, opts?: { mergePolicy?: string }): Promise<RuleEvaluation> {
    return evaluateRule(this.db, rule, opts?.mergePolicy);
  }
  async members(audience: string): Promise<string[]> {
    return audienceMembers(this.db, audience);
  }

  // governance and activation
  async labels(): Promise<Label[]> {
    return LABELS.map((l) => ({ ...l }));
  }
  async marketingActions(): Promise<MarketingAction[]> {
    return MARKETING_ACTIONS.map((a) => ({ ...a }));
  }
  async createPolicy(_def: { name: string; marketingAction: string; deny: LabelExpr }): Promise<Policy> {
    throw notYet('Data-usage policies');
  }
  async destinations(): Promise<Destination[]> {
    return DESTINATIONS.map((d) => ({
      ...d,
      marketingActions: [...d.marketingActions],
      identities: [...d.identities]
    }));
  }
  async activate(_req: {
    audience: string;
    destination: string;
    identities: string[];
    attributes?: string[];
  }): Promise<ActivationResult> {
    throw notYet('Activation');
  }

  // data
  async generate(
    dataset: string,
    opts: { count: number; seed?: number; format?: 'csv' | 'json' }
  ): Promise<string> {
    const schema = findSchema(this.db, findDataset(this.db, dataset).schema);
    const format = opts?.format ?? 'csv';
    if (format !== 'csv' && format !== 'json') {
      throw invalid('format is "csv" or "json".', { format });
    }
    const records = await generateRecords(schema, { count: opts?.count, seed: opts?.seed });
    return format === 'csv'
      ? toCsv(
          schema.fields.map((f) => f.path),
          records
        )
      : toJson(records);
  }
  async query(sql: string): Promise<QueryResult> {
    return readOnlyQuery(this.db, sql);
  }
  async export(): Promise<Uint8Array> {
    const bytes = this.db.export();
    applyPragmas(this.db);
    return bytes;
  }

  async summary(): Promise<SandboxSummary> {
    const count = (sql: string) => Number(one<{ n: number }>(this.db, { sql })?.n ?? 0);
    const kinds = profileKinds(this.db);
    const byKind = new Map(
      all<{ kind: string; n: number }>(this.db, {
        sql: `SELECT kind, count(*) AS n FROM (${kinds.sql}) GROUP BY kind`,
        params: kinds.params
      }).map((r) => [r.kind, Number(r.n)])
    );
    const customers = byKind.get('customer') ?? 0;
    const prospects = byKind.get('prospect') ?? 0;
    const anonymous = byKind.get('anonymous') ?? 0;
    const datasets = all<{
      name: string;
      schema: string;
      class: 'profile' | 'event';
      records: number;
      batches: number;
    }>(this.db, {
      sql: `SELECT d.name, s.name AS schema, s.class,
              (SELECT count(*) FROM records r WHERE r.dataset_id = d.id) AS records,
              (SELECT count(*) FROM batches b WHERE b.dataset_id = d.id) AS batches
              FROM datasets d JOIN schemas s ON s.id = d.schema_id ORDER BY d.created_at, d.name`
    });
    return {
      template: (this.meta('template') ?? 'empty') as TemplateName,
      createdAt: this.meta('createdAt') ?? '',
      profiles: customers + prospects + anonymous,
      customers,
      prospects,
      anonymous,
      identities: count('SELECT count(*) AS n FROM identities'),
      records: count('SELECT count(*) AS n FROM records'),
      datasets
    };
  }

  close(): void {
    this.db.close();
  }

  /** For templates and tests: a namespace by code. */
  namespace(code: string): Namespace | undefined {
    return getNamespace(this.db, code);
  }
}
