// One table for every measurement of a bench run: printed, and written as JSON for later runs to compare.
import { writeFileSync } from 'node:fs';

export interface Measurement {
  where: 'node' | 'chromium';
  step: string;
  rows: number;
  ms: number;
  /** Peak memory while the step ran: heap (node: heapUsed; chromium: the worker's JS heap) and RSS. */
  peakHeapMb?: number;
  peakRssMb?: number;
  /** What the step is measured against, in the same run. */
  baseline?: { what: string; ms: number };
  /** The budget: a ratio to the baseline, or an absolute time for the interactive steps. */
  budget: { maxRatio: number } | { maxMs: number } | null;
  note?: string;
  /** The step did not complete (a batch the sandbox refused): over budget whatever its time. */
  failed?: string;
}

/**
 * A batch the sandbox refused for its size (SANDBOX_FULL): a limit of the product, not of the bench, so
 * its step is a failed row of the table and the run goes on. Null for any other outcome.
 */
export function refused(code: string, message: string): { failed: string; note: string } | null {
  return code === 'SANDBOX_FULL' ? { failed: message, note: `refused: ${message}` } : null;
}

export interface Judged extends Measurement {
  rowsPerSec: number | null;
  ratio: number | null;
  ok: boolean | null;
}

export function judge(m: Measurement): Judged {
  const ratio = m.baseline ? m.ms / m.baseline.ms : null;
  let ok: boolean | null = null;
  if (m.budget && 'maxRatio' in m.budget && ratio !== null) ok = ratio <= m.budget.maxRatio;
  if (m.budget && 'maxMs' in m.budget) ok = m.ms <= m.budget.maxMs;
  if (m.failed) return { ...m, rowsPerSec: null, ratio: null, ok: false };
  const counted = m.rows > 1 && m.ms > 0 && /ingest|insert|generate|scan/i.test(m.step);
  return { ...m, rowsPerSec: counted ? Math.round(m.rows / (m.ms / 1000)) : null, ratio, ok };
}

const fmtMs = (ms: number) =>
  ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;

export function printTable(rows: Judged[]): void {
  console.table(
    rows.map((r) => ({
      where: r.where,
      step: r.step,
      rows: r.rows.toLocaleString('en-US'),
      time: r.failed ? 'failed' : fmtMs(r.ms),
      'rows/s': r.rowsPerSec?.toLocaleString('en-US') ?? '',
      'peak memory': [
        r.peakHeapMb !== undefined ? `heap ${r.peakHeapMb.toFixed(0)} MB` : '',
        r.peakRssMb !== undefined ? `rss ${r.peakRssMb.toFixed(0)} MB` : ''
      ]
        .filter(Boolean)
        .join(', '),
      baseline: r.baseline ? `${r.baseline.what}: ${fmtMs(r.baseline.ms)}` : '',
      ratio: r.ratio !== null ? `${r.ratio.toFixed(2)}x` : '',
      budget: !r.budget
        ? ''
        : 'maxRatio' in r.budget
          ? `<= ${r.budget.maxRatio}x`
          : `<= ${r.budget.maxMs} ms`,
      ok: r.ok === null ? '' : r.ok ? 'yes' : 'NO'
    }))
  );
}

export function writeJson(path: string, rows: Judged[], extra: Record<string, unknown>): void {
  writeFileSync(path, JSON.stringify({ ...extra, measurements: rows }, null, 2) + '\n');
}
