// Where an upload's time goes, stage by stage: the bench (scripts/bench/) switches this on to say what
// stands between ingest and its budget. Off, it costs nothing; on, a few clock reads a chunk, never a row.

export const INGEST_STAGES = ['read', 'parse', 'map', 'store', 'stitch', 'finish'] as const;
export type IngestStage = (typeof INGEST_STAGES)[number];

let totals: Record<IngestStage, number> | null = null;

/** Starts (or restarts) collecting; stageTimes() then reads what every ingest since has spent. */
export function collectStageTimes(on = true): void {
  totals = on ? (Object.fromEntries(INGEST_STAGES.map((s) => [s, 0])) as Record<IngestStage, number>) : null;
}

export function stageTimes(): Record<IngestStage, number> | null {
  return totals && { ...totals };
}

/** Runs fn and, when collecting, adds its time to the stage. */
export function timed<T>(stage: IngestStage, fn: () => T): T {
  if (!totals) return fn();
  const start = performance.now();
  try {
    return fn();
  } finally {
    totals[stage] += performance.now() - start;
  }
}

/** For awaited steps (reading the next chunk of a file). */
export async function timedAsync<T>(stage: IngestStage, fn: () => Promise<T>): Promise<T> {
  if (!totals) return fn();
  const start = performance.now();
  try {
    return await fn();
  } finally {
    totals[stage] += performance.now() - start;
  }
}
