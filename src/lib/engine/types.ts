// The Sandbox contract (docs/ARCHITECTURE.md) and what Pocket CDP adds to it. This is the only engine
// file the client and the UI import.

export type TemplateName = 'empty' | 'securfinancial' | 'retail';
export type NamespaceType =
  'person' | 'email' | 'phone' | 'crossDevice' | 'device' | 'cookie' | 'partner' | 'nonPeople';

export interface NamespaceDef {
  code: string;
  name: string;
  type: NamespaceType;
  unique?: boolean;
  priority?: number;
}
export interface Namespace extends NamespaceDef {
  unique: boolean;
  priority: number;
  /** Partner and non-people namespaces are kept on profiles but never link records. */
  linksRecords: boolean;
  standard: boolean;
  description: string;
  [k: string]: unknown;
}

export type FieldType = 'string' | 'number' | 'integer' | 'boolean' | 'date' | 'datetime';
export interface FieldDef {
  path: string;
  type: FieldType;
  enum?: string[];
  required?: boolean;
  identity?: { namespace: string; primary?: boolean };
  labels?: string[];
  title?: string;
}
export type SchemaClass = 'profile' | 'event';
export interface SchemaDef {
  name: string;
  class: SchemaClass;
  fields: FieldDef[];
  description?: string;
}
export interface Schema extends SchemaDef {
  id: string;
  createdAt: string;
  [k: string]: unknown;
}
export interface DatasetDef {
  name: string;
  schema: string;
  profileEnabled?: boolean;
  /** Labels of the whole dataset: every field of it inherits them */
  labels?: string[];
}
export interface Dataset {
  id: string;
  name: string;
  schema: string;
  profileEnabled: boolean;
  labels: string[];
  createdAt: string;
  [k: string]: unknown;
}

export interface IngestProgress {
  rows: number;
  bytes: number;
  totalBytes: number;
}
export interface IngestOptions {
  format?: 'csv' | 'json' | 'ndjson';
  errorThreshold?: number;
  mapping?: Record<string, string>;
  onProgress?: (p: IngestProgress) => void;
  signal?: AbortSignal;
  /** Name shown in batch monitoring and error reports (a File's name when absent). */
  fileName?: string;
}
export type BatchStatus = 'success' | 'partial' | 'failed' | 'cancelled';
export interface RowError {
  row: number;
  column?: string;
  code: string;
  message: string;
}
export interface BatchReport {
  batchId: string;
  dataset: string;
  status: BatchStatus;
  rowsRead: number;
  rowsIngested: number;
  rowsFailed: number;
  /**
   * Of rowsIngested, the rows identical to a record an earlier batch of the dataset had stored: this
   * batch holds that record too (deleting either batch leaves it to the other) instead of storing it twice.
   */
  rowsAlreadyStored: number;
  errors: RowError[];
  /** Things worth knowing that did not fail a row: unmapped columns, capped identities. */
  warnings: RowError[];
  fileName: string;
  format: 'csv' | 'json' | 'ndjson' | 'unknown';
  bytes: number;
  startedAt: string;
  finishedAt: string;
  /** Profiles whose identity graph this batch changed. */
  profilesTouched: number;
  /** Of rowsIngested, the records whose identities reached a profile that existed before this batch. */
  recordsMatched: number;
  /** Profiles that did not exist before this batch and do after it. */
  profilesCreated: number;
  /**
   * Profiles in the sandbox when this batch finished (the profile count over time); null for batches of
   * a sandbox saved before Pocket CDP recorded it.
   */
  profilesAfter: number | null;
}

/**
 * Synthetic records for a dataset's schema (generate/records.ts). The same
 * seed, dials and sandbox state give the same records, byte for byte. Each dial is a share from 0 to 1.
 */
export interface GenerateOptions {
  /** 1 to 1,000,000 records */
  count: number;
  /** Default 1. Visitor i of a seed is the same person in every dataset generated with it */
  seed?: number;
  /** Share of records whose person identity is one already in the sandbox (they join that profile) */
  overlap?: number;
  /** Event datasets: share of events carrying only a cookie or device id (default 0.5) */
  anonymous?: number;
  /** Event datasets: share of devices two known people log in on */
  sharedDevices?: number;
  /**
   * Share of records with one value ingestion refuses (a wrong type, a value off its list, a missing
   * required value, only junk identities); half as many again get a flaw it stores as sent (a junk id
   * beside a good one, a malformed email, a future date where only the past makes sense)
   */
  messiness?: number;
  /** Event datasets: events fall in the last `days` days (default 90) */
  days?: number;
  /** Epoch ms "now" is measured from; default the start of the current UTC day */
  now?: number;
}
/** What a generation run made, counted as it went: each dial's effect before ingestion measures it. */
export interface GenerateStats {
  /** The dials as the run read them (defaults filled in) */
  dials: { overlap: number; anonymous: number; sharedDevices: number; messiness: number };
  records: number;
  /** Records given the identities of someone already in the sandbox */
  overlapRecords: number;
  /** False when the sandbox had no one the overlap dial could pick */
  overlapAvailable: boolean;
  /** Records with one value ingestion refuses: they are the batch's failed rows */
  refusedRecords: number;
  /** Records with a flaw ingestion stores as sent (junk beside a good id, bad email, future date) */
  flawedRecords: number;
  events: number;
  /** Events whose only identities are cookies or devices */
  anonymousEvents: number;
  devices: number;
  /** Devices two known people logged in on */
  sharedDevices: number;
  /** The error threshold generateInto ingested with (null for files) */
  errorThreshold: number | null;
}
/** A generated batch's report, with what the generator made. */
export interface GenerateReport extends BatchReport {
  generated: GenerateStats;
}

export interface ProfileIdentity {
  namespace: string;
  id: string;
  inGraph: boolean;
}
export interface AttributeSource {
  dataset: string;
  batchId: string;
  timestamp: string;
}
export interface ProfileEvent {
  timestamp: string;
  eventType: string;
  /** The dataset the event came from */
  dataset?: string;
  /**
   * The identities the event's record carried: only a cookie or device while the visitor was
   * anonymous, a CRM id or email beside it once they had logged in. (An event field of this name is
   * shadowed by it, as one named dataset is by the dataset.)
   */
  identities?: ProfileIdentity[];
  [k: string]: unknown;
}
export interface Profile {
  profileId: string;
  identities: ProfileIdentity[];
  attributes: Record<string, unknown>;
  events: ProfileEvent[];
  audiences: string[];
  /** Earlier profile ids merged into this one; each still resolves here. */
  aliases: string[];
  /** Where each winning attribute value came from. */
  sources: Record<string, AttributeSource>;
  /** Labels of each attribute's field (e.g. THIRD_PARTY), by field path. */
  labels: Record<string, string[]>;
  /**
   * Who the profile is (decided in profile/kind.ts; docs/ARCHITECTURE.md): a customer has a
   * first-party record carrying a person-level identity, a prospect is known only through partner data,
   * an anonymous profile has only cookies and devices (also the anonymous side of a cookie or device
   * under the isolate identity strategy).
   */
  kind: ProfileKind;
  mergePolicy: string;
  /** Calculated attributes by name, computed from all of the profile's events at read time. */
  calculated: Record<string, number | string | null>;
}

export type ProfileKind = 'customer' | 'prospect' | 'anonymous';

export interface GraphNode {
  namespace: string;
  id: string;
  inGraph: boolean;
  firstSeen: string;
  lastSeen: string;
  datasets: string[];
}
export interface GraphEdge {
  from: string;
  to: string;
  kind: 'linked' | 'refused';
  batchId: string;
  dataset: string;
  row: number;
  reason?: string;
}
export interface IdentityGraph {
  profileId: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface AudienceDef {
  name: string;
  /** In the audience rule language (segment/parse.ts), e.g. partner.netWorth > 1000000 and not account.hasAdvisor */
  rule: string;
  /** Name or id; the sandbox's default policy when absent */
  mergePolicy?: string;
  description?: string;
}
export interface Audience {
  id: string;
  name: string;
  rule: string;
  /** The merge policy's name */
  mergePolicy: string;
  description: string;
  createdAt: string;
  [k: string]: unknown;
}
/** Another audience beside one: its size and the members both share (null under another merge policy). */
export interface AudienceOverlap {
  audience: string;
  mergePolicy: string;
  size: number | null;
  shared: number | null;
}
/** An exact evaluation: every matching profile counted, a first page of their ids, the SQL it ran. */
export interface RuleEvaluation {
  count: number;
  sample: string[];
  sql: string;
  /** The attribute and event field paths the rule reads */
  fields: string[];
  mergePolicy: string;
}
/** One member of an audience as a list shows it: who the profile is, not only its id. */
export type AudienceMember = Omit<ProfileListItem, 'updatedAt'>;
/** A page of an audience's members, in profile id order, and how many there are in all (exact). */
export interface AudienceMemberPage {
  audience: string;
  mergePolicy: string;
  total: number;
  offset: number;
  members: AudienceMember[];
}
/**
 * The labels an audience's rule brings to any destination it is activated to (governance/lineage.ts):
 * those of every field the rule reads and of the event fields behind each calculated attribute it uses,
 * in every dataset that builds profiles.
 */
export interface AudienceLabels {
  audience: string;
  /** Every label, THIRD_PARTY first */
  labels: string[];
  /** Of labels, those only inherited from a dataset (no field carries them itself) */
  inherited: string[];
  /** Each field that carries them, where and why */
  fields: FieldLineage[];
}
export interface Label {
  id: string;
  name: string;
  category: string;
  description: string;
  /** A label this sandbox defined (category 'Custom'), not one of the standard ones. */
  custom?: boolean;
}
export interface LabelDef {
  /** Letters, digits and _, starting with a letter (e.g. PARTNER_B, NO_SMS) */
  id: string;
  name: string;
  description?: string;
}
export interface MarketingAction {
  id: string;
  name: string;
  description?: string;
  custom?: boolean;
}
export interface MarketingActionDef {
  /** A camelCase-style identifier: letters and digits, starting with a letter */
  id: string;
  name: string;
  description?: string;
}
export type LabelExpr = string | { and: LabelExpr[] } | { or: LabelExpr[] };
export interface PolicyDef {
  name: string;
  description?: string;
  marketingAction: string;
  /** The labels whose presence denies the action, e.g. { or: ['C2', { and: ['THIRD_PARTY', 'I1'] }] } */
  deny: LabelExpr;
  /** Enabled unless false (a draft, not enforced) */
  enabled?: boolean;
}
export interface Policy {
  id: string;
  name: string;
  description: string;
  marketingAction: string;
  deny: LabelExpr;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
  [k: string]: unknown;
}
/** "May data with these labels be used for this marketing action?", answered by the enabled policies. */
export interface PolicyCheck {
  allowed: boolean;
  violations: { policy: string; marketingAction: string; labels: string[] }[];
  /** Drafts that would deny it too once enabled (not enforced) */
  drafts: { policy: string; marketingAction: string; labels: string[] }[];
}
export interface Destination {
  id: string;
  name: string;
  /** What an export to it does; the defaults may be changed per sandbox (updateDestination). */
  marketingActions: string[];
  /** Identity namespace codes it accepts, and 'profileId' where it takes the persistent id */
  identities: string[];
}
/** Pocket CDP's fuller description of a destination for its catalog card. */
export interface DestinationDetails extends Destination {
  category: 'Advertising' | 'Engagement' | 'Analytics' | 'Email' | 'Cloud storage';
  description: string;
  /** What it receives, e.g. "Customer list CSV, SHA-256 hashed EMAIL and PHONE, EXTERN_ID" */
  format: string;
  /** Identities it receives hashed (SHA-256), by namespace code */
  hashed: string[];
  /** Where the persistent profile id goes, e.g. "external_id"; null when the platform takes none */
  profileIdTarget: string | null;
  defaultMarketingActions: string[];
  /** Whether it takes profile attributes, and under which names by default */
  takesAttributes: boolean;
}
/** One step of a violation's path: what a link in the UI opens. */
export interface LineageNode {
  kind: 'dataset' | 'field' | 'calculated' | 'identity' | 'mergePolicy' | 'audience' | 'destination';
  id: string;
  name: string;
}
/** A field that reached the destination, why, and what it carried. */
export interface FieldLineage {
  field: string;
  /** rule: read by the audience rule; calculated: an event field a calculated attribute in the rule
   * reads; mapping: a mapped attribute; identity: a mapped identity's field */
  via: 'rule' | 'calculated' | 'mapping' | 'identity';
  /** The calculated attribute (calc.name) or identity namespace that brought it, when via says so */
  through?: string;
  dataset: string;
  /** The field's own labels and those it inherits from its dataset */
  labels: string[];
  inherited: string[];
}
export interface Violation {
  policy: string;
  marketingAction: string;
  labels: string[];
  lineage: {
    fields: string[];
    datasets: string[];
    audience: string;
    destination: string;
    mergePolicy?: string;
    /** Each path dataset -> field -> (calculated attribute) -> merge policy -> audience -> destination */
    paths?: LineageNode[][];
  };
}
export interface ActivationRequest {
  audience: string;
  destination: string;
  /** Namespace codes to send, and 'profileId' where the destination takes it */
  identities: string[];
  /** Profile attribute paths (or calc.<name>) to send */
  attributes?: string[];
  /** Only members added or removed since the last run to this destination, with a status */
  incremental?: boolean;
  /** Names the destination receives attributes under, by path (default: the path) */
  targets?: Record<string, string>;
  /** Rows per file of a file destination before it splits */
  rowLimit?: number;
}
export interface ActivationFile {
  name: string;
  mimeType: string;
  content: string;
}
export type ActivationResult =
  | { status: 'blocked'; violations: Violation[] }
  | {
      status: 'exported';
      rows: number;
      files: ActivationFile[];
      runId?: string;
      identitiesActivated?: number;
      excluded?: number;
      added?: number;
      removed?: number;
      incremental?: boolean;
    };
/** What review shows before Finish: every field that would reach the destination and the verdict. */
export interface ActivationReview {
  status: 'allowed' | 'blocked';
  violations: Violation[];
  fields: FieldLineage[];
  marketingActions: string[];
  mergePolicy: string;
  members: number;
}
export interface ActivationRun {
  id: string;
  destination: string;
  audience: string;
  flow: string | null;
  mode: 'full' | 'incremental';
  startedAt: string;
  finishedAt: string;
  rows: number;
  identitiesActivated: number;
  excluded: number;
  added: number;
  removed: number;
  /** Files of the run; content is fetched with activationFile (older runs may no longer keep it) */
  files: { name: string; mimeType: string; bytes: number; kept: boolean }[];
}
/** A saved activation: what the wizard sets up, run now and then on its schedule while the app is open. */
export interface ActivationFlowDef {
  destination: string;
  audiences: string[];
  identities: string[];
  attributes?: string[];
  targets?: Record<string, string>;
  /** full: every member each run; incremental: the first run full, later ones the changes */
  mode: 'full' | 'incremental';
  /** Minutes between runs; null runs once */
  everyMinutes: number | null;
}
export interface ActivationFlow extends ActivationFlowDef {
  id: string;
  createdAt: string;
  lastRunAt: string | null;
  /** When the app runs it next (null: once, and it has run) */
  nextRunAt: string | null;
}

export interface QueryResult {
  columns: string[];
  rows: unknown[][];
  /** True when rows were left out: past the row cap, or the time budget ran out between rows. */
  truncated?: boolean;
  /** Says what was left out, for the screen, when truncated. */
  notice?: string;
}

/** Counts for the sandbox home screen and monitoring. */
export interface SandboxSummary {
  template: TemplateName;
  createdAt: string;
  profiles: number;
  customers: number;
  prospects: number;
  /** Profiles named only by cookies and devices */
  anonymous: number;
  identities: number;
  records: number;
  datasets: { name: string; schema: string; class: SchemaClass; records: number; batches: number }[];
}

/** A batch as the monitoring charts draw it: its rows, size, duration and the profile count after it. */
export interface BatchPoint {
  batchId: string;
  dataset: string;
  fileName: string;
  status: BatchStatus;
  startedAt: string;
  finishedAt: string;
  /** finishedAt − startedAt, in milliseconds */
  durationMs: number;
  bytes: number;
  rowsRead: number;
  rowsIngested: number;
  rowsFailed: number;
  /** Profiles in the sandbox when the batch finished; null for a batch stored before it was counted */
  profilesAfter: number | null;
}
/** Identity graphs holding between min and max identities (the last bucket is the graph limit). */
export interface GraphSizeBucket {
  /** e.g. "1", "4–5", "50" */
  label: string;
  min: number;
  max: number;
  graphs: number;
}
/** Profiles holding at least one identity of a namespace (its in-graph identities and partner ids). */
export interface NamespaceProfiles {
  namespace: string;
  name: string;
  type: NamespaceType;
  profiles: number;
  /** Identities of the namespace in the sandbox */
  identities: number;
}
/**
 * The sandbox dashboards (Adobe's Profiles, Identities and Audiences dashboards), computed exactly
 * from the tables on every call (monitoring/dashboards.ts). Profiles and their kinds are those of
 * summary() (profile/kind.ts).
 */
export interface Dashboards {
  /** How long the engine took to compute this, in milliseconds */
  tookMs: number;
  profiles: number;
  customers: number;
  prospects: number;
  anonymous: number;
  /** Profiles named by exactly one identity (as profile() lists them) */
  singleIdentityProfiles: number;
  /** The profile count after each committed batch, oldest first (batches that predate the count are left out) */
  profileHistory: { batchId: string; dataset: string; finishedAt: string; profiles: number }[];
  /** Distinct identities in the sandbox (summary().identities) */
  identities: number;
  /** Namespaces some profile holds, in namespace priority order */
  namespaces: NamespaceProfiles[];
  /** For each pair of namespaces in `namespaces` (a before b in that order): profiles holding both */
  overlap: { a: string; b: string; profiles: number }[];
  /** Profiles with an identity graph (at least one identity of a linking namespace) */
  graphs: number;
  /** Identities a graph holds at most (identity/stitch.ts) */
  graphLimit: number;
  /** Graphs by their number of linking identities; the last bucket is the limit */
  graphSizes: GraphSizeBucket[];
  /**
   * Links refused because a unique namespace (e.g. CRMID) may hold one value per graph: the records
   * whose identities stayed in two graphs for that reason, and the graphs on either side.
   */
  refusals: { records: number; graphs: number };
  /** Each audience's exact size now, as evaluate() counts it (null with the error when its rule no longer compiles) */
  audiences: { id: string; name: string; mergePolicy: string; size: number | null; error?: string }[];
  /** Every batch of every dataset, in ingest order */
  batches: BatchPoint[];
}

export interface IdentityMatch {
  namespace: string;
  id: string;
  inGraph: boolean;
  profileId: string | null;
}

export interface Sandbox {
  namespaces(): Promise<Namespace[]>;
  createNamespace(ns: NamespaceDef): Promise<Namespace>;
  schemas(): Promise<Schema[]>;
  createSchema(def: SchemaDef): Promise<Schema>;
  datasets(): Promise<Dataset[]>;
  createDataset(def: DatasetDef): Promise<Dataset>;
  ingest(dataset: string, input: string | Uint8Array | Blob, opts?: IngestOptions): Promise<BatchReport>;
  batches(dataset?: string): Promise<BatchReport[]>;
  deleteBatch(batchId: string): Promise<void>;
  profile(namespace: string, id: string, opts?: { mergePolicy?: string }): Promise<Profile | null>;
  identityGraph(namespace: string, id: string): Promise<IdentityGraph | null>;
  createAudience(def: AudienceDef): Promise<Audience>;
  audiences(): Promise<Audience[]>;
  /** By name or id; its members are not touched (an audience is only its rule). */
  deleteAudience(audience: string): Promise<void>;
  audienceOverlap(audience: string): Promise<AudienceOverlap[]>;
  evaluate(rule: string, opts?: { mergePolicy?: string }): Promise<RuleEvaluation>;
  members(audience: string): Promise<string[]>;
  /** A page of members with their names and identities, and the exact total (limit 1 to 200, default 50). */
  audienceMembers(audience: string, opts?: { offset?: number; limit?: number }): Promise<AudienceMemberPage>;
  /** The labels the audience's rule carries, from the same lineage activation evaluates policies on. */
  audienceLabels(audience: string): Promise<AudienceLabels>;
  labels(): Promise<Label[]>;
  marketingActions(): Promise<MarketingAction[]>;
  createPolicy(def: PolicyDef): Promise<Policy>;
  destinations(): Promise<Destination[]>;
  /** Evaluates every enabled policy on what reaches the destination first: blocked exports nothing. */
  activate(req: ActivationRequest): Promise<ActivationResult>;
  /** A small run as one string (CSV or JSON); generateFile for large ones. */
  generate(dataset: string, opts: GenerateOptions & { format?: 'csv' | 'json' }): Promise<string>;
  /**
   * Streams a run into the dataset as one ordinary batch (validation, stitching, report, progress,
   * cancel), with an error threshold that tolerates the messiness dial.
   */
  generateInto(
    dataset: string,
    opts: GenerateOptions & Pick<IngestOptions, 'onProgress' | 'signal'>
  ): Promise<GenerateReport>;
  /** A run as a file the upload accepts unchanged, built chunk by chunk into a Blob. */
  generateFile(dataset: string, opts: GenerateOptions & { format?: 'csv' | 'json' }): Promise<Blob>;
  query(sql: string): Promise<QueryResult>;
  export(): Promise<Uint8Array>;

  // Pocket CDP additions
  /** Customers or prospects, most recently updated first, a page at a time. */
  browseProfiles(opts: { kind: ProfileKind; offset?: number; limit?: number }): Promise<ProfilePage>;
  identitySettings(): Promise<IdentitySettings>;
  updateIdentitySettings(patch: Partial<IdentitySettings>): Promise<IdentitySettings>;
  mergePolicies(): Promise<MergePolicy[]>;
  createMergePolicy(def: MergePolicyDef): Promise<MergePolicy>;
  calculatedAttributes(): Promise<CalculatedAttribute[]>;
  createCalculatedAttribute(def: CalculatedAttributeDef): Promise<CalculatedAttribute>;
  summary(): Promise<SandboxSummary>;
  searchIdentities(text: string, limit?: number): Promise<IdentityMatch[]>;
  batchErrorsCsv(batchId: string): Promise<string>;
  /** The Profiles, Identities and Audiences dashboards and every batch, computed exactly now. */
  dashboards(): Promise<Dashboards>;

  // governance
  createLabel(def: LabelDef): Promise<Label>;
  /** Adds and removes labels on several fields of a schema at once. */
  labelFields(
    schema: string,
    change: { fields: string[]; add?: string[]; remove?: string[] }
  ): Promise<Schema>;
  /** A dataset's own labels; every field of it inherits them. */
  setDatasetLabels(dataset: string, labels: string[]): Promise<Dataset>;
  createMarketingAction(def: MarketingActionDef): Promise<MarketingAction>;
  policies(): Promise<Policy[]>;
  updatePolicy(policy: string, patch: Partial<PolicyDef>): Promise<Policy>;
  deletePolicy(policy: string): Promise<void>;
  checkPolicies(req: { labels: string[]; marketingAction: string }): Promise<PolicyCheck>;

  // activation
  destinationDetails(): Promise<DestinationDetails[]>;
  updateDestination(destination: string, patch: { marketingActions: string[] }): Promise<DestinationDetails>;
  reviewActivation(req: ActivationRequest): Promise<ActivationReview>;
  activationRuns(destination?: string): Promise<ActivationRun[]>;
  activationFile(runId: string, name: string): Promise<ActivationFile>;
  activationFlows(): Promise<ActivationFlow[]>;
  createActivationFlow(def: ActivationFlowDef): Promise<ActivationFlow>;
  deleteActivationFlow(flow: string): Promise<void>;
  /** Runs a saved activation now: one run per audience, or the violations that block it. */
  runActivationFlow(flow: string): Promise<{ flow: ActivationFlow; results: ActivationResult[] }>;
  close(): void;
}

/** Every call of a Sandbox a host may make (close is the host's own). */
export type SandboxCall = Exclude<keyof Sandbox, 'close'>;

/**
 * What each call does to a sandbox: 'write' changes what is saved, 'read' does not (it may refresh
 * caches such as the audience snapshot, which is derived data). The client saves after exactly the
 * writes; the host dispatches only the calls listed here. Typed against Sandbox, so a new method
 * does not compile until it is listed.
 */
export const SANDBOX_CALLS: { readonly [K in SandboxCall]: 'read' | 'write' } = {
  namespaces: 'read',
  createNamespace: 'write',
  schemas: 'read',
  createSchema: 'write',
  datasets: 'read',
  createDataset: 'write',
  ingest: 'write',
  batches: 'read',
  deleteBatch: 'write',
  profile: 'read',
  identityGraph: 'read',
  createAudience: 'write',
  audiences: 'read',
  deleteAudience: 'write',
  audienceOverlap: 'read',
  evaluate: 'read',
  members: 'read',
  audienceMembers: 'read',
  audienceLabels: 'read',
  labels: 'read',
  marketingActions: 'read',
  createPolicy: 'write',
  destinations: 'read',
  activate: 'write',
  generate: 'read',
  generateInto: 'write',
  generateFile: 'read',
  query: 'read',
  export: 'read',
  browseProfiles: 'read',
  identitySettings: 'read',
  updateIdentitySettings: 'write',
  mergePolicies: 'read',
  createMergePolicy: 'write',
  calculatedAttributes: 'read',
  createCalculatedAttribute: 'write',
  summary: 'read',
  searchIdentities: 'read',
  batchErrorsCsv: 'read',
  dashboards: 'read',
  createLabel: 'write',
  labelFields: 'write',
  setDatasetLabels: 'write',
  createMarketingAction: 'write',
  policies: 'read',
  updatePolicy: 'write',
  deletePolicy: 'write',
  checkPolicies: 'read',
  destinationDetails: 'read',
  updateDestination: 'write',
  reviewActivation: 'read',
  activationRuns: 'read',
  activationFile: 'read',
  activationFlows: 'read',
  createActivationFlow: 'write',
  deleteActivationFlow: 'write',
  runActivationFlow: 'write'
};

export function isSandboxCall(method: unknown): method is SandboxCall {
  return typeof method === 'string' && Object.prototype.hasOwnProperty.call(SANDBOX_CALLS, method);
}

export function isWrite(method: SandboxCall): boolean {
  return SANDBOX_CALLS[method] === 'write';
}

/**
 * The largest sandbox file opened (1 GiB). The whole database lives in SQLite's memory, the wasm
 * heap of at most 2 GiB that every open database shares (db/sqlite.ts), and a change holds its
 * rollback journal there too: past this size a sandbox could open but then fail to delete a large
 * batch, or to open beside the one it replaces. Here, not in the engine's db/ files, because the client checks a file's size with it before
 * reading the file at all (db/validate.ts checks the bytes the engine is given).
 */
export const MAX_SANDBOX_BYTES = 1024 * 1024 * 1024;

/** Errors cross the worker boundary as this plain shape. */
export interface CdpErrorData {
  code: string;
  message: string;
  details?: unknown;
}

/**
 * How a profile is assembled from its fragments. timestamp: the latest record wins per field;
 * datasetPrecedence: records of a dataset earlier in datasetOrder win over later ones and over datasets
 * not listed, with time deciding within a dataset. stitching 'none': a profile is one fragment (the
 * records of one primary identity), no identity graph.
 */
export interface MergePolicyDef {
  name: string;
  attributeMerge?: 'timestamp' | 'datasetPrecedence';
  datasetOrder?: string[];
  stitching?: 'privateGraph' | 'none';
  /** Makes this the sandbox's default policy. */
  default?: boolean;
}
export interface MergePolicy {
  id: string;
  name: string;
  attributeMerge: 'timestamp' | 'datasetPrecedence';
  datasetOrder: string[];
  stitching: 'privateGraph' | 'none';
  isDefault: boolean;
  createdAt: string;
}

export type CalculatedFunction = 'count' | 'sum' | 'min' | 'max' | 'avg' | 'first' | 'last' | 'daysSince';
/**
 * An aggregate of a profile's events, computed exactly on every read: e.g. count of
 * commerce.checkoutAbandoned events in the last 30 days, sum of commerce.order.total, days since the
 * last purchase. first/last give the field's value (or the timestamp) of the earliest/latest event.
 */
export interface CalculatedAttributeDef {
  /** An identifier (letters, digits, _), used as calc.<name> on profiles. */
  name: string;
  title?: string;
  function: CalculatedFunction;
  /** Only events of this type count; all events when absent. */
  eventType?: string;
  /** The event field aggregated; required by sum, min, max and avg. */
  field?: string;
  /** Only events in the last N days count; the whole history when absent. */
  lookbackDays?: number;
}
export interface CalculatedAttribute extends Required<Pick<CalculatedAttributeDef, 'name' | 'function'>> {
  id: string;
  title: string;
  eventType: string | null;
  field: string | null;
  lookbackDays: number | null;
  createdAt: string;
}

/**
 * How anonymous activity meets a login (mParticle's identity strategies). continue: a cookie's or
 * device's anonymous history joins the known profile once a record links it to a known id.
 * isolate: the known profile holds only records that carry a known id; each cookie's or device's
 * anonymous records stay on an anonymous profile of their own (profile id anon-...).
 */
export type IdentityStrategy = 'continue' | 'isolate';
export interface IdentitySettings {
  strategy: IdentityStrategy;
  /**
   * Values that never link, matched trimmed and case-insensitively. A change applies to the data already
   * there too: graphs linked through a newly blocked value are re-derived without it.
   */
  blockedValues: string[];
  /**
   * ISO 3166 alpha-2 code (default 'US'): the country a phone number written without a country code
   * is read in when phone identities are normalised to E.164, at ingest and at lookup.
   */
  defaultCountry: string;
}

/** One row of the profile browser. */
export interface ProfileListItem {
  profileId: string;
  kind: ProfileKind;
  name: string | null;
  email: string | null;
  /** A prospect's partner id, else the profile's first identity. */
  identity: { namespace: string; id: string } | null;
  identities: number;
  updatedAt: string;
}
export interface ProfilePage {
  total: number;
  profiles: ProfileListItem[];
}
