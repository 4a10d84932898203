// Who a profile is (docs/ARCHITECTURE.md, "Identity rules"). The one place that decides it: overview counts, the
// profile browser, profile lookups, the Profile API and audiences all read these functions.
//  - customer: at least one record from a first-party dataset that carries a person-level identity
//  - prospect: otherwise, when its person-level identities came from partner data only (a partner row
//    keyed by an email that matched no customer), or when partner ids are all that key its records
//  - anonymous: only cookies and devices name it
import type { Database } from '../db/sqlite';
import { all, placeholders } from '../db/sql';
import type { Query } from '../db/sql';
import type { ProfileKind, SchemaDef } from '../types';

export type { ProfileKind };

/** Namespace types that name a person: a CRM id, an email, a phone, hashed or not. */
export const PERSON_TYPES = ['person', 'email', 'phone'] as const;

/** Namespace types whose ids name no person (a partner's id, a thing's): a record keyed by one is partner-keyed. */
export const PARTNER_KEY_TYPES: readonly string[] = ['partner', 'nonPeople'];
const PARTNER_KEY_SQL = PARTNER_KEY_TYPES.map((t) => `'${t}'`).join(', ');

/** What a profile's records say about who it is: kindOf decides from these, in SQL and in JavaScript. */
export interface KindFacts {
  /** some record from a first-party dataset carries a person-level identity */
  firstPartyPerson: boolean;
  /** some record carries a person-level identity */
  person: boolean;
  /** every record is partner data or keyed by an id that names no person */
  partnerOnly: boolean;
}

/** The rule itself. */
export function kindOf(facts: KindFacts): ProfileKind {
  if (facts.firstPartyPerson) return 'customer';
  if (facts.person || facts.partnerOnly) return 'prospect';
  return 'anonymous';
}

/** One record's facts: a profile's are its records' folded with addFacts. */
export function recordFacts(record: {
  person: boolean;
  partner: boolean;
  keyedByPartner: boolean;
}): KindFacts {
  return {
    firstPartyPerson: record.person && !record.partner,
    person: record.person,
    partnerOnly: record.partner || record.keyedByPartner
  };
}

/** Folds `more` into `into`: some record of either, every record of both. */
export function addFacts(into: KindFacts, more: KindFacts): void {
  into.firstPartyPerson ||= more.firstPartyPerson;
  into.person ||= more.person;
  into.partnerOnly &&= more.partnerOnly;
}

/**
 * The kind of a profile whose records are those of the profiles it was (`earlier`, their kinds) and
 * records with the facts `added`: undefined when the earlier kinds do not decide it (a prospect may be
 * one by a person-level id or by partner data only, and the kind does not say which).
 */
export function kindAfter(added: KindFacts, earlier: readonly ProfileKind[]): ProfileKind | undefined {
  if (earlier.includes('customer')) return 'customer';
  const facts = { ...added };
  // an anonymous profile's records: no person-level identity, and not partner data only
  if (earlier.includes('anonymous'))
    addFacts(facts, { firstPartyPerson: false, person: false, partnerOnly: false });
  const kind = kindOf(facts);
  if (earlier.includes('prospect') && kind !== 'customer' && !facts.person) return undefined;
  return kind;
}

/** kindOf as an SQL function of the three facts (0 or 1 each), so kindSql decides by the same rule. */
const KIND_FUNCTION = 'cdp_profile_kind';
const registered = new WeakSet<Database>();

/** Makes kindSql's function known to this connection (once; a function lives as long as its connection). */
export function registerKindFunction(db: Database): void {
  if (registered.has(db)) return;
  db.create_function(KIND_FUNCTION, (firstPartyPerson: unknown, person: unknown, partnerOnly: unknown) =>
    kindOf({ firstPartyPerson: !!firstPartyPerson, person: !!person, partnerOnly: !!partnerOnly })
  );
  registered.add(db);
}

/**
 * Whether a record carries a person-level identity: decided once, when it is written, and stored as
 * records.person (a namespace never changes its type, and a record never changes its identities'
 * namespaces), so kindSql reads a flag instead of joining every record to its identities.
 */
export function carriesPerson(namespaceTypes: readonly string[]): boolean {
  return namespaceTypes.some((t) => (PERSON_TYPES as readonly string[]).includes(t));
}

/**
 * A partner dataset brings third-party data: the dataset carries THIRD_PARTY itself, or its schema labels
 * every field that is not an identity THIRD_PARTY (the Partner Data Enrichment schema).
 */
export function isPartnerData(
  schema: Pick<SchemaDef, 'fields'>,
  datasetLabels: readonly string[] = []
): boolean {
  if (datasetLabels.includes('THIRD_PARTY')) return true;
  const attributes = schema.fields.filter((f) => !f.identity);
  return attributes.length > 0 && attributes.every((f) => f.labels?.includes('THIRD_PARTY'));
}

/** Ids of the sandbox's partner datasets. */
export function partnerDatasetIds(db: Database): string[] {
  return all<{ id: string; def: string; labels: string }>(db, {
    sql: 'SELECT d.id, s.def, d.labels FROM datasets d JOIN schemas s ON s.id = d.schema_id'
  })
    .filter((d) => isPartnerData(JSON.parse(d.def) as SchemaDef, JSON.parse(d.labels) as string[]))
    .map((d) => d.id);
}

/**
 * The SQL that decides: one row per profile (comp, updated, kind) over the records `where` selects
 * (aliases: r the record, i its key identity). `partner` is the list of partner dataset ids as SQL
 * (placeholders or bound names), so the same text serves plain queries and audience rules.
 */
export function kindSql(partner: string, where?: string): string {
  return `SELECT comp, max(ts) AS updated,
            ${KIND_FUNCTION}(max(person AND NOT partner), max(person), min(partner OR keyed_by_partner)) AS kind
            FROM (SELECT i.comp AS comp, r.ts AS ts, r.dataset_id IN (${partner}) AS partner,
                    (SELECT type FROM namespaces WHERE code = i.ns) IN (${PARTNER_KEY_SQL}) AS keyed_by_partner,
                    r.person AS person
                    FROM records r JOIN identities i ON i.iid = r.fkey
                    JOIN datasets d ON d.id = r.dataset_id AND d.profile_enabled = 1
                   ${where ? `WHERE ${where}` : ''})
           GROUP BY comp`;
}

/** How many profiles there are: the graphs that key a record of a profile-enabled dataset, as kindSql's rows. */
/** One row per profile: its number (comp), its kind and when it was last updated. */
export function profileKinds(db: Database, where?: Query): Query {
  // ingest and the profiles table also run on a bare connection (no sandbox registered it)
  registerKindFunction(db);
  const partner = partnerDatasetIds(db);
  const whereParams = Array.isArray(where?.params) ? where.params : [];
  return { sql: kindSql(placeholders(partner.length), where?.sql), params: [...partner, ...whereParams] };
}

/** The kind of one profile: a whole graph, or (stitching off) one fragment. */
export function profileKind(db: Database, target: { comp: number } | { fragment: number }): ProfileKind {
  const where: Query =
    'comp' in target
      ? { sql: 'i.comp = ?', params: [target.comp] }
      : { sql: 'r.fkey = ?', params: [target.fragment] };
  return all<{ kind: ProfileKind }>(db, profileKinds(db, where))[0]?.kind ?? 'anonymous';
}
