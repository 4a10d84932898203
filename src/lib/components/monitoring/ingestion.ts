// Ingestion per dataset, summed from the batches the dashboards list (a few hundred at most).
import type { BatchPoint } from '$lib/engine/types';

export interface DatasetIngestion {
  name: string;
  batches: number;
  ingested: number;
  failed: number;
  bytes: number;
  /** Its latest batch */
  last: BatchPoint;
}

/** Datasets in the order their first batch arrived. */
export function ingestionByDataset(batches: BatchPoint[]): DatasetIngestion[] {
  const by = new Map<string, DatasetIngestion>();
  for (const b of batches) {
    const d = by.get(b.dataset);
    if (d) {
      d.batches += 1;
      d.ingested += b.rowsIngested;
      d.failed += b.rowsFailed;
      d.bytes += b.bytes;
      d.last = b;
    } else
      by.set(b.dataset, {
        name: b.dataset,
        batches: 1,
        ingested: b.rowsIngested,
        failed: b.rowsFailed,
        bytes: b.bytes,
        last: b
      });
  }
  return [...by.values()];
}
