/** Short unique ids for catalog objects and batches (crypto.randomUUID needs a secure context). */
export function newId(prefix: string): string {
  const time = Date.now().toString(36);
  const rand = Math.floor(Math.random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0');
  return `${prefix}_${time}${rand}`;
}

export function nowIso(): string {
  return new Date().toISOString();
}
