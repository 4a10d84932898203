// What every writer hands back: its files, each named <destination>_<audience>_<yyyymmddhhmmss>[_<suffix>]
// (fileNames.ts), and the counts of the run.
import { csvFile } from '../../format/csv';
import type { PayloadFile, PayloadRequest, PayloadResult } from '../payload';
import { fileStem } from './fileNames';
import { writtenIds, type Prepared } from './members';

/** A CSV file as every destination here takes it: RFC 4180, header first, every cell formula-safe. */
export function csvPayload(
  req: PayloadRequest,
  header: readonly string[],
  rows: Iterable<readonly unknown[]>,
  suffix?: string
): PayloadFile {
  return {
    name: `${fileStem(req, suffix)}.csv`,
    mimeType: 'text/csv',
    content: csvFile(header, rows, { formulaSafe: true })
  };
}

/** A JSON file, indented by two spaces, with a final newline. */
export function jsonPayload(req: PayloadRequest, value: unknown, suffix?: string): PayloadFile {
  return {
    name: `${fileStem(req, suffix)}.json`,
    mimeType: 'application/json',
    content: `${JSON.stringify(value, null, 2)}\n`
  };
}

/** A writer's result: one row a member written, and the members written kept for the next run. */
export function payloadResult(
  { members, excluded }: Prepared,
  files: PayloadFile[],
  identitiesActivated: number
): PayloadResult {
  return { files, rows: members.length, identitiesActivated, excluded, written: writtenIds(members) };
}
