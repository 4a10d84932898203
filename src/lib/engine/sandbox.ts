// The Sandbox: one sql.js database holding a whole CDP, behind the contract (docs/ARCHITECTURE.md).
/* eslint-disable @typescript-eslint/require-await --
   Every contract method is async, so a thrown CdpError is a rejected promise in node as it is through
   the worker, whether or not the method awaits anything. */
import { DESTINATIONS } from './activation/destinations';
import { findDataset, insertDataset, listDatasets } from './catalog/datasets';
import { getNamespace, insertNamespace, listNamespaces } from './catalog/namespaces';
import { findSchema, insertSchema, listSchemas } from './catalog/schemas';
import { readMeta, writeMeta } from './db/meta';
import { readOnlyQuery } from './db/readonly';
import { transaction } from './db/sql';
import { applyPragmas, type Database } from './db/sqlite';
import { CdpError, invalid } from './errors';
import { LABELS, MARKETING_ACTIONS } from './governance/labels';
import { toCsv, toJson } from './generate/format';
import { generateRecords } from './generate/records';
import { explainGraph } from './identity/explain';
import {
  audienceMembers,
  audienceOverlap,
  deleteAudience,
  evaluateRule,
  insertAudience,
  listAudiences
} from './segment/audiences';
import { resolveComp } from './identity/resolve';
import { relinkBlocked } from './identity/relink';
import { blockedSet, readIdentitySettings, writeIdentitySettings } from './identity/settings';
import { batchErrorsCsv, listBatches } from './ingest/batches';
import { deleteBatch } from './ingest/deleteBatch';
import { searchIdentities } from './identity/search';
import { lookUpProfile } from './profile/lookup';
import { summarize } from './profile/summary';
import { ingestFile } from './ingest/ingest';
import { browseProfiles } from './profile/browse';
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
  SchemaDef
} from './types';

function notYet(what: string): CdpError {
  return new CdpError('not_implemented', `${what} is not built yet in this version of Pocket CDP.`);
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
    const settings = readIdentitySettings(this.db);
    return ingestFile(
      {
        db: this.db,
        namespaces: this.nsMap(),
        blocked: blockedSet(settings),
        defaultCountry: settings.defaultCountry
      },
      ds,
      schema,
      input,
      opts
    );
  }
  async batches(dataset?: string): Promise<BatchReport[]> {
    return listBatches(this.db, dataset === undefined ? undefined : findDataset(this.db, dataset).id);
  }
  async deleteBatch(batchId: string): Promise<void> {
    return deleteBatch(this.db, this.nsMap(), batchId);
  }
  async batchErrorsCsv(batchId: string): Promise<string> {
    return batchErrorsCsv(this.db, batchId);
  }

  // profiles and identity
  async profile(namespace: string, id: string, opts?: { mergePolicy?: string }): Promise<Profile | null> {
    return lookUpProfile(this.db, this.nsMap(), namespace, id, opts?.mergePolicy);
  }
  async browseProfiles(opts: { kind: ProfileKind; offset?: number; limit?: number }): Promise<ProfilePage> {
    return browseProfiles(this.db, this.nsMap(), opts, { policy: findMergePolicy(this.db), calculated: [] });
  }
  async identitySettings(): Promise<IdentitySettings> {
    return readIdentitySettings(this.db);
  }
  async updateIdentitySettings(patch: Partial<IdentitySettings>): Promise<IdentitySettings> {
    return transaction(this.db, () => {
      const before = readIdentitySettings(this.db);
      const after = writeIdentitySettings(this.db, patch);
      relinkBlocked(this.db, this.nsMap(), before.blockedValues, after.blockedValues, {
        before: before.defaultCountry,
        after: after.defaultCountry
      });
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
    return searchIdentities(this.db, this.nsMap(), text, limit, readIdentitySettings(this.db).defaultCountry);
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
    return summarize(this.db);
  }

  close(): void {
    this.db.close();
  }

  /** For templates and tests: a namespace by code. */
  namespace(code: string): Namespace | undefined {
    return getNamespace(this.db, code);
  }
}
