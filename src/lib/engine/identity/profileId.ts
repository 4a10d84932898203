// How profile numbers (./persistentIds.ts) are written as ids, and read back.
const PREFIX = 'pf-';

export function formatProfileId(iid: number): string {
  return `${PREFIX}${iid.toString(36).padStart(6, '0')}`;
}

const ANONYMOUS_PREFIX = 'anon-';

/** The anonymous profile of a cookie or device under the isolate strategy: named by that identity. */
export function formatAnonymousId(iid: number): string {
  return `${ANONYMOUS_PREFIX}${iid.toString(36).padStart(6, '0')}`;
}

function parseWith(prefix: string, id: string): number | null {
  const text = id.trim();
  if (!text.startsWith(prefix)) return null;
  const digits = text.slice(prefix.length);
  if (!/^[0-9a-z]{1,11}$/.test(digits)) return null;
  const n = parseInt(digits, 36);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

export function parseProfileId(id: string): number | null {
  return parseWith(PREFIX, id);
}

export function parseAnonymousId(id: string): number | null {
  return parseWith(ANONYMOUS_PREFIX, id);
}
