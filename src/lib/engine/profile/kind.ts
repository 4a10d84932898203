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
            CASE WHEN max(person AND NOT partner) THEN 'customer'
                 WHEN max(person) OR min(partner OR keyed_by_partner) THEN 'prospect'
                 ELSE 'anonymous' END AS kind
            FROM (SELECT i.comp AS comp, r.ts AS ts, r.dataset_id IN (${partner}) AS partner,
                    (SELECT type FROM namespaces WHERE code = i.ns) IN ('partner', 'nonPeople') AS keyed_by_partner,
                    r.person AS person
                    FROM records r JOIN identities i ON i.iid = r.fkey
                    JOIN datasets d ON d.id = r.dataset_id AND d.profile_enabled = 1
                   ${where ? `WHERE ${where}` : ''})
           GROUP BY comp`;
}

/** How many profiles there are: the graphs that key a record of a profile-enabled dataset, as kindSql's rows. */
/** One row per profile: its number (comp), its kind and when it was last updated. */
export function profileKinds(db: Database, where?: Query): Query {
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
