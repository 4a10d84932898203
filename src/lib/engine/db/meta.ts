// The meta table: a sandbox's own key-value settings (template, creation time, identity settings).
import { one, run } from './sql';
import type { Database } from './sqlite';

export function readMeta(db: Database, key: string): string | undefined {
  return one<{ value: string }>(db, { sql: 'SELECT value FROM meta WHERE key = ?', params: [key] })?.value;
}

export function writeMeta(db: Database, key: string, value: string): void {
  run(db, { sql: 'INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', params: [key, value] });
}
