// The shape the ad platforms share (Facebook, Google, LinkedIn): a platform removes people from a
// customer-list audience by uploading a list of them, so an incremental run writes the members who
// left into a second file, <stem>_remove.csv, with the same header; a full run writes only the list.
import { csvFile } from '../../format/csv';
import type { PayloadFile, PayloadRequest } from '../payload';
import { fileStem } from './fileNames';
import type { PreparedMember } from './members';

/** Columns a key may repeat: Meta takes up to three email/phone/madid columns; Google takes several. */
export const MAX_KEY_COLUMNS = 3;

/** How many columns a key gets: as many values as a written member has, 1 to MAX_KEY_COLUMNS. */
export function keyColumns(members: readonly PreparedMember[], column: string): number {
  let n = 1;
  for (const m of members) n = Math.max(n, m.values.get(column)?.length ?? 0);
  return Math.min(n, MAX_KEY_COLUMNS);
}

/** A key's cells for one member: its first n values, blanks after them. */
export function keyCells(member: PreparedMember, column: string, n: number): string[] {
  const values = member.values.get(column) ?? [];
  return Array.from({ length: n }, (_, i) => values[i] ?? '');
}

/**
 * The list file and, in an incremental run, the removal file. `lines` turns one member into the lines
 * it contributes (none when it has nothing for this list, e.g. no device id for Google's device list).
 */
export function listFiles(
  req: PayloadRequest,
  members: readonly PreparedMember[],
  header: readonly string[],
  lines: (m: PreparedMember) => unknown[][],
  suffix?: string
): PayloadFile[] {
  const build = (status: 'active' | 'exited', name: string): PayloadFile => ({
    name,
    mimeType: 'text/csv',
    content: csvFile(header, members.filter((m) => m.member.status === status).flatMap(lines), {
      formulaSafe: true
    })
  });
  const files = [build('active', `${fileStem(req, suffix)}.csv`)];
  if (req.incremental) {
    files.push(build('exited', `${fileStem(req, suffix ? `${suffix}_remove` : 'remove')}.csv`));
  }
  return files;
}
