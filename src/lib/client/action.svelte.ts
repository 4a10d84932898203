import { toCdpError, type CdpError } from './errors';

/**
 * A form's submit: `working` while the call runs, the call's error as a CdpError (null on success).
 * One per form, so every form reports progress and failure the same way.
 */
export class Action {
  working = $state(false);
  error = $state.raw<CdpError | null>(null);

  /** Runs fn; resolves to its result, or undefined when it failed (the error is in `error`). */
  async run<T>(fn: () => Promise<T>): Promise<T | undefined> {
    this.working = true;
    this.error = null;
    try {
      return await fn();
    } catch (e) {
      this.error = toCdpError(e);
      return undefined;
    } finally {
      this.working = false;
    }
  }
}
