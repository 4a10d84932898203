// The Sandbox: one sql.js database holding a whole CDP, behind the contract (docs/ARCHITECTURE.md).
/* eslint-disable @typescript-eslint/require-await --
   Every contract method is async, so a thrown CdpError is a rejected promise in node as it is through
   the worker, whether or not the method awaits anything. */
import { activate, reviewActivation } from './activation/activate';
import { findDestination, listDestinations, updateDestination } from './activation/destinations';
import { deleteFlow, insertFlow, listFlows, refuseIfSent, runFlow } from './activation/flows';
import { listRuns, runFile } from './activation/runs';
import { findDataset, insertDataset, listDatasets, setDatasetLabels } from './catalog/datasets';
import { getNamespace, insertNamespace, listNamespaces } from './catalog/namespaces';
import { findSchema, insertSchema, labelSchemaFields, listSchemas } from './catalog/schemas';
import { readMeta, writeMeta } from './db/meta';
import { readOnlyQuery } from './db/readonly';
import { transaction } from './db/sql';
import type { Database } from './db/sqlite';
import { insertLabel, insertMarketingAction, listLabels, listMarketingActions } from './governance/catalog';
import { checkPolicies, deletePolicy, insertPolicy, listPolicies, updatePolicy } from './governance/policies';
import { fileFormat, GenerationRun } from './generate/run';
import { explainGraph } from './identity/explain';
import {
  audienceMembers,
  audienceOverlap,
  deleteAudience,
  evaluateRule,
  insertAudience,
  listAudiences
} from './segment/audiences';
import { audienceLabels, audienceMemberPage } from './segment/members';
import { resolveComp } from './identity/resolve';
import { relinkBlocked } from './identity/relink';
import { blockedSet, readIdentitySettings, writeIdentitySettings } from './identity/settings';
import { batchErrorsCsv, listBatches } from './ingest/batches';
import { deleteBatch } from './ingest/deleteBatch';
import { dashboards } from './monitoring/dashboards';
import { searchIdentities } from './identity/search';
import { lookUpProfile } from './profile/lookup';
import { summarize } from './profile/summary';
import { ingestFile } from './ingest/ingest';
import { isTextStream } from './ingest/source';
import { invalid } from './errors';
import { browseProfiles } from './profile/browse';
import { insertCalculated, listCalculated } from './profile/calculated';
import { findMergePolicy, insertMergePolicy, listMergePolicies } from './profile/mergePolicies';
import { registerKindFunction } from './profile/kind';
import type {
  ActivationFile,
  ActivationFlow,
  ActivationFlowDef,
  ActivationRequest,
  ActivationReview,
  ActivationRun,
  ActivationResult,
  DatasetDef,
  DestinationDetails,
  LabelDef,
  MarketingActionDef,
  PolicyCheck,
  PolicyDef,
  CalculatedAttribute,
  CalculatedAttributeDef,
  Dashboards,
  IdentitySettings,
  ProfileKind,
  ProfilePage,
  MergePolicy,
  MergePolicyDef,
  Audience,
  AudienceDef,
  AudienceLabels,
  AudienceMemberPage,
  AudienceOverlap,
  RuleEvaluation,
  BatchReport,
  Dataset,
  Destination,
  GenerateOptions,
  GenerateReport,
  IdentityGraph,
  IdentityMatch,
  IngestOptions,
  Label,
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

/** The engine's calls over one database; openSandbox() hands it out behind one queue (./queue.ts). */
export class SqlSandbox implements Sandbox {
  constructor(private readonly db: Database) {
    // audience rules on a profile's kind call the rule's SQL function
    registerKindFunction(db);
  }

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
  async createDataset(def: DatasetDef): Promise<Dataset> {
    return insertDataset(this.db, def);
  }

  // ingestion
  async ingest(
    dataset: string,
    input: string | Uint8Array | Blob,
    opts: IngestOptions = {}
  ): Promise<BatchReport> {
    // A text stream is how the generator feeds ingestion from inside the engine, not an upload
    if (isTextStream(input)) {
      throw invalid('ingest takes the file as a string, a Uint8Array or a Blob/File.');
    }
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
  async dashboards(): Promise<Dashboards> {
    return dashboards(this.db);
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
    refuseIfSent(this.db, audience);
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
  async audienceMembers(
    audience: string,
    opts?: { offset?: number; limit?: number }
  ): Promise<AudienceMemberPage> {
    return audienceMemberPage(this.db, this.nsMap(), audience, opts);
  }
  async audienceLabels(audience: string): Promise<AudienceLabels> {
    return audienceLabels(this.db, audience);
  }

  // governance
  async labels(): Promise<Label[]> {
    return listLabels(this.db);
  }
  async createLabel(def: LabelDef): Promise<Label> {
    return insertLabel(this.db, def);
  }
  async labelFields(
    schema: string,
    change: { fields: string[]; add?: string[]; remove?: string[] }
  ): Promise<Schema> {
    return labelSchemaFields(this.db, schema, change);
  }
  async setDatasetLabels(dataset: string, labels: string[]): Promise<Dataset> {
    return setDatasetLabels(this.db, dataset, labels);
  }
  async marketingActions(): Promise<MarketingAction[]> {
    return listMarketingActions(this.db);
  }
  async createMarketingAction(def: MarketingActionDef): Promise<MarketingAction> {
    return insertMarketingAction(this.db, def);
  }
  async policies(): Promise<Policy[]> {
    return listPolicies(this.db);
  }
  async createPolicy(def: PolicyDef): Promise<Policy> {
    return insertPolicy(this.db, def);
  }
  async updatePolicy(policy: string, patch: Partial<PolicyDef>): Promise<Policy> {
    return updatePolicy(this.db, policy, patch);
  }
  async deletePolicy(policy: string): Promise<void> {
    deletePolicy(this.db, policy);
  }
  async checkPolicies(req: { labels: string[]; marketingAction: string }): Promise<PolicyCheck> {
    return checkPolicies(this.db, req);
  }

  // activation
  async destinations(): Promise<Destination[]> {
    return listDestinations(this.db).map((d) => ({
      id: d.id,
      name: d.name,
      marketingActions: d.marketingActions,
      identities: d.identities
    }));
  }
  async destinationDetails(): Promise<DestinationDetails[]> {
    return listDestinations(this.db);
  }
  async updateDestination(
    destination: string,
    patch: { marketingActions: string[] }
  ): Promise<DestinationDetails> {
    return updateDestination(this.db, destination, patch);
  }
  async reviewActivation(req: ActivationRequest): Promise<ActivationReview> {
    return reviewActivation(this.db, this.nsMap(), req);
  }
  async activate(req: ActivationRequest): Promise<ActivationResult> {
    return activate(this.db, this.nsMap(), req);
  }
  async activationRuns(destination?: string): Promise<ActivationRun[]> {
    return listRuns(
      this.db,
      destination === undefined ? undefined : findDestination(this.db, destination).id
    );
  }
  async activationFile(runId: string, name: string): Promise<ActivationFile> {
    return runFile(this.db, runId, name);
  }
  async activationFlows(): Promise<ActivationFlow[]> {
    return listFlows(this.db);
  }
  async createActivationFlow(def: ActivationFlowDef): Promise<ActivationFlow> {
    return insertFlow(this.db, this.nsMap(), def);
  }
  async deleteActivationFlow(flow: string): Promise<void> {
    deleteFlow(this.db, flow);
  }
  async runActivationFlow(flow: string): Promise<{ flow: ActivationFlow; results: ActivationResult[] }> {
    return runFlow(this.db, this.nsMap(), flow);
  }

  // data
  async generate(dataset: string, opts: GenerateOptions & { format?: 'csv' | 'json' }): Promise<string> {
    const format = fileFormat(opts?.format);
    const run = await this.generation(dataset, opts);
    try {
      let text = '';
      for (const chunk of run.chunks(format)) text += chunk;
      return text;
    } finally {
      run.close();
    }
  }
  async generateFile(dataset: string, opts: GenerateOptions & { format?: 'csv' | 'json' }): Promise<Blob> {
    const format = fileFormat(opts?.format);
    const run = await this.generation(dataset, opts);
    try {
      return run.blob(format);
    } finally {
      run.close();
    }
  }
  async generateInto(
    dataset: string,
    opts: GenerateOptions & Pick<IngestOptions, 'onProgress' | 'signal'>
  ): Promise<GenerateReport> {
    const ds = findDataset(this.db, dataset);
    const schema = findSchema(this.db, ds.schema);
    const settings = readIdentitySettings(this.db);
    const run = await this.generation(dataset, opts);
    try {
      // the ordinary ingestion of an upload, fed by the run's chunks: one batch, its report and cancel
      const errorThreshold = run.errorThreshold();
      run.stats.errorThreshold = errorThreshold;
      const report = await ingestFile(
        {
          db: this.db,
          namespaces: this.nsMap(),
          blocked: blockedSet(settings),
          defaultCountry: settings.defaultCountry,
          // a run knows how many records it makes: one that will not fit is refused after its first
          expectedRows: run.settings.count
        },
        ds,
        schema,
        run.stream('csv'),
        {
          format: 'csv',
          errorThreshold,
          fileName: run.fileName('csv'),
          onProgress: opts.onProgress,
          signal: opts.signal
        }
      );
      return { ...report, generated: { ...run.stats } };
    } finally {
      run.close();
    }
  }
  /** A run for a dataset: its schema, the sandbox's namespaces and junk values, its people for overlap. */
  private async generation(dataset: string, opts: GenerateOptions): Promise<GenerationRun> {
    const schema = findSchema(this.db, findDataset(this.db, dataset).schema);
    return GenerationRun.open(this.db, this.nsMap(), blockedSet(readIdentitySettings(this.db)), schema, opts);
  }
  async query(sql: string): Promise<QueryResult> {
    return readOnlyQuery(this.db, sql);
  }
  async export(): Promise<Uint8Array> {
    return this.db.export();
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
