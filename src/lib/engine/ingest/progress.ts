// The caller's progress listener. It is the caller's code, run in the middle of a batch's transaction:
// one that throws must neither fail the batch nor leave the transaction open, so its first error is
// kept for the report's warnings and it is not called again.
import type { IngestProgress, RowError } from '../types';

export class ProgressListener {
  failure: RowError | null = null;

  constructor(private readonly listener?: (p: IngestProgress) => void) {}

  tell(p: IngestProgress): void {
    if (!this.listener || this.failure) return;
    try {
      this.listener(p);
    } catch (e) {
      this.failure = {
        row: p.rows,
        code: 'PROGRESS_LISTENER_FAILED',
        message: `onProgress threw at row ${p.rows} (${e instanceof Error ? e.message : String(e)}): the batch went on without telling it more.`
      };
    }
  }
}
