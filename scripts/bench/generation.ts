// Generation alone (no sandbox to write to): the heap it holds is bounded by the chunk size, so the peak
// at 1,000,000 records is about the peak at 100,000. Sampled at every chunk, and after a full GC every
// 20 chunks for what stays live.
import { STANDARD_NAMESPACES } from '../../src/lib/engine/catalog/namespaces';
import { openDatabase } from '../../src/lib/engine/db/sqlite';
import { GenerationRun } from '../../src/lib/engine/generate/run';
import { CRM_PROFILE, WEB_EVENTS } from '../../src/lib/engine/templates/catalogs';
import type { Namespace, SchemaDef } from '../../src/lib/engine/types';
import type { Measurement } from './table';

export async function generationMemory(rows: number, out: Measurement[]): Promise<void> {
  const db = await openDatabase();
  const namespaces = new Map<string, Namespace>(
    STANDARD_NAMESPACES.map((n) => [
      n.code,
      {
        ...n,
        unique: !!n.unique,
        priority: n.priority ?? 99,
        linksRecords: n.type !== 'partner',
        standard: true
      }
    ])
  );
  const gc = (globalThis as { gc?: () => void }).gc;
  try {
    for (const schema of [CRM_PROFILE, WEB_EVENTS] as SchemaDef[]) {
      gc?.();
      const base = process.memoryUsage().heapUsed;
      let peak = 0;
      let live = 0;
      let chunks = 0;
      const start = performance.now();
      const run = await GenerationRun.open(db, namespaces, new Set(['test@test.com']), schema, {
        count: rows,
        seed: 3,
        messiness: 0.1,
        sharedDevices: 0.05
      });
      for (const text of run.chunks('csv')) {
        void text;
        peak = Math.max(peak, process.memoryUsage().heapUsed - base);
        if (gc && ++chunks % 20 === 0) {
          gc();
          live = Math.max(live, process.memoryUsage().heapUsed - base);
        }
      }
      out.push({
        where: 'node',
        step: `generate ${schema.name} records, no sandbox`,
        rows,
        ms: performance.now() - start,
        peakHeapMb: peak / 1e6,
        budget: null,
        note: `live after GC ${(live / 1e6).toFixed(0)} MB`
      });
    }
  } finally {
    db.close();
  }
}
