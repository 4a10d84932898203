// How large a batch may make its sandbox. A sandbox past MAX_SANDBOX_BYTES would be saved, but refused
// when the page opens it again, so the batch that would take it there stops, keeps nothing and says so.
import type { Database } from '../db/sqlite';
import type { RowError } from '../types';

const MIB = 2 ** 20;
/** Left free by ingest under the limit: the batch's own row, audiences, activation files after it. */
const HEADROOM = 8 * MIB;
/**
 * A batch whose rows are known in advance is judged by what its first rows take once it has read this
 * share of them and grown by MIN_SAMPLE: fewer say little about the rest (the first pages of a table).
 */
const MIN_SHARE = 0.05;
const MIN_SAMPLE = 2 * MIB;
/**
 * A sandbox's rows take a little more each as its indexes deepen, so the size projected from the first
 * rows is if anything short of the real one; the margin keeps rounding from refusing what would fit.
 */
const MARGIN = 1.02;
/** The share of the room left that the refusal says rows like the first ones would fill. */
const FIT_SHARE = 0.95;

const mib = (bytes: number) => Math.round(bytes / MIB).toLocaleString('en-US');

/** The database's size as it would be saved. */
export function sandboxBytes(db: Database): number {
  const n = (pragma: string) => Number(db.exec(`PRAGMA ${pragma}`)[0]?.values[0]?.[0] ?? 0);
  return n('page_count') * n('page_size');
}

/** Watches one batch's growth against the limit; check() after each stored slice. */
export class SizeWatch {
  private readonly before: number;

  constructor(
    private readonly db: Database,
    private readonly limit: number,
    /** The rows the input will have when that is known before it is read (a generated run) */
    private readonly expectedRows?: number
  ) {
    this.before = sandboxBytes(db);
  }

  /** The error that stops the batch at this row, or null while it fits (and, if known, will fit). */
  check(row: number): RowError | null {
    const now = sandboxBytes(this.db);
    const room = this.limit - HEADROOM;
    if (now > room) return this.refusal(row, 'it would make this sandbox larger than');
    const expected = this.expectedRows;
    const grown = now - this.before;
    if (!expected || row >= expected || row < expected * MIN_SHARE || grown < MIN_SAMPLE) return null;
    const perRow = grown / row;
    const atEnd = this.before + perRow * expected;
    if (atEnd <= room * MARGIN) return null;
    // less than the first rows' rate says, since later rows take more: a run of 1,000,000 CRM profiles,
    // 1.10 kB each over its first 50,000, stopped at row 929,000 when it ran to the limit
    const fit = Math.max(0, Math.floor((FIT_SHARE * (room - this.before)) / perRow));
    const about = fit >= 10_000 ? Math.floor(fit / 1000) * 1000 : fit;
    return this.refusal(
      row,
      `its rows so far take about ${(perRow / 1000).toFixed(1)} kB each, so all ${expected.toLocaleString('en-US')} ` +
        `would make this sandbox about ${mib(atEnd)} MiB, more than`,
      ` About ${about.toLocaleString('en-US')} rows like these fit in this sandbox now: load fewer, or delete batches this sandbox no longer needs.`
    );
  }

  private refusal(
    row: number,
    why: string,
    what = ' Upload a smaller file, or delete batches this sandbox no longer needs.'
  ): RowError {
    return {
      row,
      code: 'SANDBOX_FULL',
      message:
        `The upload stopped at row ${row}: ${why} ${mib(this.limit)} MiB, ` +
        'the most a sandbox can be and still be saved and opened again (the whole database is held in memory). ' +
        `Nothing of it was kept.${what}`
    };
  }
}
