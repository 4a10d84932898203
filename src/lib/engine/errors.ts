import type { CdpErrorData } from './types';

/** API misuse. Plain data (code, message, details) so it crosses the worker boundary unchanged. */
export class CdpError extends Error implements CdpErrorData {
  readonly code: string;
  readonly details?: unknown;
  constructor(code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'CdpError';
    this.code = code;
    this.details = details;
  }
  toJSON(): CdpErrorData {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function notFound(what: string, name: string): CdpError {
  return new CdpError('not_found', `No ${what} named "${name}" in this sandbox.`, { what, name });
}

export function invalid(message: string, details?: unknown): CdpError {
  return new CdpError('invalid_argument', message, details);
}

/**
 * A yes/no option: true, false or absent (undefined). Anything else is refused rather than read as
 * truthy: the text "false" made a namespace unique and a merge policy the default.
 */
export function optionalBoolean(value: unknown, what: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw invalid(`${what} is true or false (not ${JSON.stringify(value) ?? typeof value}).`, { value });
}
