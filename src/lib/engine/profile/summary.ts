// The sandbox's counts for its overview: profiles by kind (./kind.ts), identities, records, datasets.
import { readMeta } from '../db/meta';
import { all } from '../db/sql';
import type { Database } from '../db/sqlite';
import type { SandboxSummary, TemplateName } from '../types';
import { IDENTITIES, readCounts, recordsKey } from './counts';
import { profileCounts } from './profiles';

export function summarize(db: Database): SandboxSummary {
  const byKind = profileCounts(db);
  // current: profileCounts brought them up to date
  const counts = readCounts(db);
  const datasets = all<Omit<SandboxSummary['datasets'][number], 'records'> & { id: string }>(db, {
    sql: `SELECT d.id, d.name, s.name AS schema, s.class,
            (SELECT count(*) FROM batches b WHERE b.dataset_id = d.id) AS batches
            FROM datasets d JOIN schemas s ON s.id = d.schema_id ORDER BY d.created_at, d.name`
  }).map(({ id, ...d }) => ({ ...d, records: counts.get(recordsKey(id)) ?? 0 }));
  return {
    template: (readMeta(db, 'template') ?? 'empty') as TemplateName,
    createdAt: readMeta(db, 'createdAt') ?? '',
    profiles: byKind.customer + byKind.prospect + byKind.anonymous,
    customers: byKind.customer,
    prospects: byKind.prospect,
    anonymous: byKind.anonymous,
    identities: counts.get(IDENTITIES) ?? 0,
    records: [...counts].reduce((sum, [key, n]) => (key.startsWith('records:') ? sum + n : sum), 0),
    datasets
  };
}
