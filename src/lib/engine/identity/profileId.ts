// A profile id names a graph by its oldest identity (smallest iid), so it survives later merges and
// every id a profile ever had still resolves: an alias resolves through its identity's current graph.
const PREFIX = 'pf-';

export function formatProfileId(iid: number): string {
  return `${PREFIX}${iid.toString(36).padStart(6, '0')}`;
}

export function parseProfileId(id: string): number | null {
  const m = /^pf-([0-9a-z]{1,11})$/.exec(id.trim());
  if (!m) return null;
  const n = parseInt(m[1], 36);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}
