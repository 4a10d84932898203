/** A random id: crypto.randomUUID exists only in secure contexts, and a workshop LAN may be plain http. */
export function randomId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return `${prefix}_${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
