// The sandbox dashboards (Adobe's Profiles, Identities and Audiences dashboards), computed exactly from
// the tables on every call: a few grouped queries over two temporary tables, never a loop over profiles.
//  - profiles and their kinds: the one rule of profile/kind.ts, as summary() counts them;
//  - a profile's identities: those of its graph (identities.comp) and the partner ids on its records, as
//    profile() lists them (profile/assemble.ts);
//  - graph sizes: a profile's linking identities, at most GRAPH_LIMIT (identity/stitch.ts);
//  - refusals: a unique namespace refuses a link by leaving the record's identities in two graphs that
//    hold different values of it (stitch.ts never joins such graphs later), which is what is counted;
//  - audience sizes: evaluate()'s exact count of each audience.
import { listNamespaces } from '../catalog/namespaces';
import { all, one, placeholders, run } from '../db/sql';
import type { Database } from '../db/sqlite';
import { GRAPH_LIMIT } from '../identity/stitch';
import { currentProfiles } from '../profile/profiles';
import { audiencePids, listAudiences } from '../segment/audiences';
import type { BatchPoint, Dashboards, GraphSizeBucket } from '../types';

/** Graph sizes as Adobe's identity dashboard groups them; the last is the graph limit. */
const BUCKETS: [number, number][] = [
  [1, 1],
  [2, 2],
  [3, 3],
  [4, 5],
  [6, 10],
  [11, 20],
  [21, GRAPH_LIMIT - 1],
  [GRAPH_LIMIT, GRAPH_LIMIT]
];
const bucketLabel = ([min, max]: [number, number]) => (min === max ? `${min}` : `${min}–${max}`);

interface BatchRow {
  id: string;
  dataset: string;
  file_name: string;
  status: BatchPoint['status'];
  started_at: string;
  finished_at: string;
  bytes: number;
  rows_read: number;
  rows_ingested: number;
  rows_failed: number;
  profiles_after: number | null;
}

/** Every batch without its error lists: what the monitoring charts draw. */
export function batchPoints(db: Database): BatchPoint[] {
  return all<BatchRow>(db, {
    sql: `SELECT b.id, d.name AS dataset, b.file_name, b.status, b.started_at, b.finished_at, b.bytes,
                 b.rows_read, b.rows_ingested, b.rows_failed, b.profiles_after
            FROM batches b JOIN datasets d ON d.id = b.dataset_id ORDER BY b.seq`
  }).map((r) => ({
    batchId: r.id,
    dataset: r.dataset,
    fileName: r.file_name,
    status: r.status,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: Math.max(0, Date.parse(r.finished_at) - Date.parse(r.started_at)) || 0,
    bytes: r.bytes,
    rowsRead: r.rows_read,
    rowsIngested: r.rows_ingested,
    rowsFailed: r.rows_failed,
    profilesAfter: r.profiles_after
  }));
}

/** Bits of the namespaces held, 62 to a word so every mask stays a positive 64-bit integer. */
interface NamespaceBits {
  codes: string[];
  words: number;
  /** `sum(DISTINCT <bit of ns in word w>)` over `column`, with its bound codes */
  mask(column: string, w: number): { sql: string; params: string[] };
}
const WORD = 62;

function namespaceBits(codes: string[]): NamespaceBits {
  const words = Math.max(1, Math.ceil(codes.length / WORD));
  return {
    codes,
    words,
    mask(column, w) {
      const inWord = codes.slice(w * WORD, (w + 1) * WORD);
      if (!inWord.length) return { sql: '0', params: [] };
      const cases = inWord.map((_, i) => `WHEN ? THEN ${2 ** i}`).join(' ');
      return { sql: `coalesce(sum(DISTINCT CASE ${column} ${cases} END), 0)`, params: inWord };
    }
  };
}

interface HistogramRow {
  kind: string;
  single: number;
  linking: number;
  profiles: number;
  [mask: `m${number}`]: number;
}

/**
 * Every profile counted once into groups of the same kind, namespaces held, graph size and "only one
 * identity": a few hundred rows at most, from which every profile and identity count is summed. A
 * profile holds its graph's identities (identities.comp) and the partner ids on its records, as
 * profile() lists them (profile/assemble.ts).
 */
function profileHistogram(
  db: Database,
  bits: NamespaceBits,
  linking: string[],
  nonLinking: string[]
): HistogramRow[] {
  const words = Array.from({ length: bits.words }, (_, w) => w);
  run(db, { sql: 'CREATE TEMP TABLE dash_profiles (comp INTEGER PRIMARY KEY, kind TEXT NOT NULL)' });
  run(db, {
    sql: `CREATE TEMP TABLE dash_outside (comp INTEGER PRIMARY KEY, n INTEGER NOT NULL,
            ${words.map((w) => `m${w} INTEGER NOT NULL`).join(', ')})`
  });
  currentProfiles(db);
  run(db, { sql: 'INSERT INTO temp.dash_profiles (comp, kind) SELECT pno, kind FROM profiles' });
  if (nonLinking.length) {
    // partner ids on the records keyed into a profile, found from the partner ids (few) to their records
    const masks = words.map((w) => bits.mask('ns', w));
    run(db, {
      sql: `INSERT INTO temp.dash_outside (comp, n, ${words.map((w) => `m${w}`).join(', ')})
            SELECT comp, count(*), ${masks.map((m) => m.sql).join(', ')}
              FROM (SELECT DISTINCT k.comp AS comp, x.iid, x.ns
                      FROM identities x CROSS JOIN record_identities ri ON ri.iid = x.iid
                      CROSS JOIN records r ON r.rid = ri.rid
                      JOIN datasets d ON d.id = r.dataset_id AND d.profile_enabled = 1
                      JOIN identities k ON k.iid = r.fkey
                      JOIN temp.dash_profiles p ON p.comp = k.comp
                     WHERE x.ns IN (${placeholders(nonLinking.length)}) AND x.comp <> k.comp)
             GROUP BY comp`,
      params: [...masks.flatMap((m) => m.params), ...nonLinking]
    });
  }
  // per graph number, over every identity in one pass; then only the numbers that are profiles
  const masks = words.map((w) => bits.mask('i.ns', w));
  return all<HistogramRow>(db, {
    sql: `SELECT p.kind, (g.total + coalesce(o.n, 0)) = 1 AS single, g.linking,
                 ${words.map((w) => `(g.m${w} | coalesce(o.m${w}, 0)) AS m${w}`).join(', ')}, count(*) AS profiles
            FROM (SELECT i.comp, count(*) AS total,
                         coalesce(sum(i.ns IN (${placeholders(linking.length)})), 0) AS linking,
                         ${masks.map((m, w) => `${m.sql} AS m${w}`).join(', ')}
                    FROM identities i NOT INDEXED GROUP BY i.comp) g
            JOIN temp.dash_profiles p ON p.comp = g.comp
            LEFT JOIN temp.dash_outside o ON o.comp = g.comp
           GROUP BY 1, 2, 3, ${words.map((w) => 4 + w).join(', ')}`,
    params: [...linking, ...masks.flatMap((m) => m.params)]
  });
}

function dropTemp(db: Database): void {
  run(db, { sql: 'DROP TABLE IF EXISTS temp.dash_outside' });
  run(db, { sql: 'DROP TABLE IF EXISTS temp.dash_profiles' });
}

/**
 * Records whose linking identities stayed in two graphs holding different values of one unique
 * namespace, and those graphs. A record only spans graphs when stitching refused one of its links, or
 * when the graph limit evicted one of its identities (which leaves no conflicting unique value behind).
 * Only records linking two identities or more (records.ids, blocked values left out) are read.
 */
function refusals(db: Database, unique: string[]): Dashboards['refusals'] {
  if (!unique.length) return { records: 0, graphs: 0 };
  const r = one<{ records: number; graphs: number }>(db, {
    sql: `WITH spanning AS (
              SELECT r.rid FROM records r
                CROSS JOIN record_identities ri ON ri.rid = r.rid CROSS JOIN identities i ON i.iid = ri.iid
               WHERE instr(r.ids, ',') > 0 AND instr(',' || r.ids || ',', ',' || ri.iid || ',') > 0
               GROUP BY r.rid HAVING min(i.comp) <> max(i.comp)),
            sides AS MATERIALIZED (
              SELECT DISTINCT r.rid, i.comp FROM spanning s CROSS JOIN records r ON r.rid = s.rid
                CROSS JOIN record_identities ri ON ri.rid = r.rid CROSS JOIN identities i ON i.iid = ri.iid
               WHERE instr(',' || r.ids || ',', ',' || ri.iid || ',') > 0),
            refused AS (
              SELECT a.rid, a.comp AS ca, b.comp AS cb
                FROM sides a JOIN sides b ON b.rid = a.rid AND b.comp > a.comp
               WHERE EXISTS (SELECT 1 FROM identities x JOIN identities y ON y.ns = x.ns AND y.value <> x.value
                              WHERE x.comp = a.comp AND y.comp = b.comp
                                AND x.ns IN (${placeholders(unique.length)})))
          SELECT (SELECT count(DISTINCT rid) FROM refused) AS records,
                 (SELECT count(*) FROM (SELECT ca FROM refused UNION SELECT cb FROM refused)) AS graphs`,
    params: unique
  });
  return { records: Number(r?.records ?? 0), graphs: Number(r?.graphs ?? 0) };
}

export function dashboards(db: Database): Dashboards {
  const start = performance.now();
  const namespaces = listNamespaces(db);
  const identitiesBy = new Map(
    all<{ ns: string; n: number }>(db, { sql: 'SELECT ns, count(*) AS n FROM identities GROUP BY ns' }).map(
      (r) => [r.ns, Number(r.n)]
    )
  );
  const present = namespaces.filter((n) => identitiesBy.has(n.code));
  const linking = present.filter((n) => n.linksRecords).map((n) => n.code);
  const nonLinking = present.filter((n) => !n.linksRecords).map((n) => n.code);
  const unique = present.filter((n) => n.linksRecords && n.unique).map((n) => n.code);
  const bits = namespaceBits(present.map((n) => n.code));

  dropTemp(db);
  let histogram: HistogramRow[];
  try {
    histogram = profileHistogram(db, bits, linking, nonLinking);
  } finally {
    dropTemp(db);
  }
  const has = (row: HistogramRow, index: number) =>
    Math.floor(Number(row[`m${Math.floor(index / WORD)}`]) / 2 ** (index % WORD)) % 2 === 1;
  const sum = (keep: (row: HistogramRow) => boolean) =>
    histogram.reduce((n, row) => (keep(row) ? n + Number(row.profiles) : n), 0);

  const customers = sum((r) => r.kind === 'customer');
  const prospects = sum((r) => r.kind === 'prospect');
  const anonymous = sum((r) => r.kind === 'anonymous');
  const held = present
    .map((n, index) => ({ n, index, profiles: sum((r) => has(r, index)) }))
    .filter((h) => h.profiles > 0);
  const overlap: Dashboards['overlap'] = [];
  for (let i = 0; i < held.length; i++)
    for (let j = i + 1; j < held.length; j++)
      overlap.push({
        a: held[i].n.code,
        b: held[j].n.code,
        profiles: sum((r) => has(r, held[i].index) && has(r, held[j].index))
      });
  const graphSizes: GraphSizeBucket[] = BUCKETS.map((b) => ({
    label: bucketLabel(b),
    min: b[0],
    max: b[1],
    graphs: sum((r) => Number(r.linking) >= b[0] && Number(r.linking) <= b[1])
  }));
  const batches = batchPoints(db);
  const out: Omit<Dashboards, 'audiences' | 'tookMs'> = {
    profiles: customers + prospects + anonymous,
    customers,
    prospects,
    anonymous,
    singleIdentityProfiles: sum((r) => Number(r.single) === 1),
    profileHistory: batches
      .filter((b) => (b.status === 'success' || b.status === 'partial') && b.profilesAfter !== null)
      .sort((a, b) => a.finishedAt.localeCompare(b.finishedAt))
      .map((b) => ({
        batchId: b.batchId,
        dataset: b.dataset,
        finishedAt: b.finishedAt,
        profiles: b.profilesAfter ?? 0
      })),
    identities: [...identitiesBy.values()].reduce((a, b) => a + b, 0),
    namespaces: held.map((h) => ({
      namespace: h.n.code,
      name: h.n.name,
      type: h.n.type,
      profiles: h.profiles,
      identities: identitiesBy.get(h.n.code) ?? 0
    })),
    overlap,
    graphs: sum((r) => Number(r.linking) > 0),
    graphLimit: GRAPH_LIMIT,
    graphSizes,
    refusals: refusals(db, unique),
    batches
  };

  // exact sizes, as evaluate() counts them, in one pass over the snapshot each (brought up to date first)
  const audiences = listAudiences(db).map((a) => {
    try {
      return {
        id: a.id,
        name: a.name,
        mergePolicy: a.mergePolicy,
        size: audiencePids(db, a).pids.length
      };
    } catch (e) {
      return { id: a.id, name: a.name, mergePolicy: a.mergePolicy, size: null, error: (e as Error).message };
    }
  });
  return { ...out, audiences, tookMs: Math.round(performance.now() - start) };
}
