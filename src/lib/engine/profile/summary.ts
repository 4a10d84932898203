// The sandbox's counts for its overview: profiles by kind (./kind.ts), identities, records, datasets.
import { readMeta } from '../db/meta';
import { all, one } from '../db/sql';
import type { Database } from '../db/sqlite';
import type { SandboxSummary, TemplateName } from '../types';
import { currentProfiles } from './profiles';

export function summarize(db: Database): SandboxSummary {
  const count = (sql: string) => Number(one<{ n: number }>(db, { sql })?.n ?? 0);
  currentProfiles(db);
  const byKind = new Map(
    all<{ kind: string; n: number }>(db, {
      sql: 'SELECT kind, count(*) AS n FROM profiles GROUP BY kind'
    }).map((r) => [r.kind, Number(r.n)])
  );
  const customers = byKind.get('customer') ?? 0;
  const prospects = byKind.get('prospect') ?? 0;
  const anonymous = byKind.get('anonymous') ?? 0;
  const datasets = all<SandboxSummary['datasets'][number]>(db, {
    sql: `SELECT d.name, s.name AS schema, s.class,
            (SELECT count(*) FROM records r WHERE r.dataset_id = d.id) AS records,
            (SELECT count(*) FROM batches b WHERE b.dataset_id = d.id) AS batches
            FROM datasets d JOIN schemas s ON s.id = d.schema_id ORDER BY d.created_at, d.name`
  });
  return {
    template: (readMeta(db, 'template') ?? 'empty') as TemplateName,
    createdAt: readMeta(db, 'createdAt') ?? '',
    profiles: customers + prospects + anonymous,
    customers,
    prospects,
    anonymous,
    identities: count('SELECT count(*) AS n FROM identities'),
    records: count('SELECT count(*) AS n FROM records'),
    datasets
  };
}
