import type { CdpErrorData } from '$lib/engine/types';

/** An engine error on the page side: the same code, message and details the engine threw. */
export class CdpError extends Error implements CdpErrorData {
  readonly code: string;
  readonly details?: unknown;
  constructor(code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'CdpError';
    this.code = code;
    this.details = details;
  }
}

/** Whatever was thrown, as a CdpError: engine errors keep their code, anything else is 'internal'. */
export function toCdpError(e: unknown): CdpError {
  if (e instanceof CdpError) return e;
  if (typeof e === 'object' && e !== null && 'message' in e) {
    const { code, message, details } = e as { code?: unknown; message: unknown; details?: unknown };
    return new CdpError(typeof code === 'string' ? code : 'internal', String(message), details);
  }
  return new CdpError('internal', String(e));
}

export const isCdpError = (e: unknown, code?: string): e is CdpError =>
  e instanceof CdpError && (code === undefined || e.code === code);
