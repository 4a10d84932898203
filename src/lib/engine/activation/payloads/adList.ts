// The shape the ad platforms share (Facebook, Google, LinkedIn): emails and phones SHA-256 hashed into
// the platform's key columns, a key repeated when a member has several values, and removal by list: a
// platform removes people from a customer-list audience by uploading a list of them, so an incremental
// run writes the members who left into a second file, <stem>_remove.csv, with the same header; a full
// run writes only the list.
import type { PayloadFile, PayloadRequest } from '../payload';
import { hashedRule, type IdentityRule, type IdentityRules, type PreparedMember } from './members';
import { csvPayload } from './output';

/** Columns a key may repeat: Meta takes up to three email/phone/madid columns; Google takes several. */
export const MAX_KEY_COLUMNS = 3;

/** Where a platform takes one kind of key, and the value as it is sent (and hashed, for email and phone). */
export type KeyRule = Omit<IdentityRule, 'hash'>;

/**
 * The rules of an ad platform: Email and Phone normalised its way and hashed; the sandbox's already-
 * hashed email and phone namespaces into the same columns as they are; device ids (IDFA, GAID), where
 * it takes them, unhashed. A kind of key the platform has no rule for is not taken.
 */
export function adListRules(keys: { email: KeyRule; phone?: KeyRule; devices?: KeyRule }): IdentityRules {
  return (code) => {
    switch (code) {
      case 'Email':
        return { ...keys.email, hash: true };
      case 'Phone':
        return keys.phone && { ...keys.phone, hash: true };
      case 'IDFA':
      case 'GAID':
        return keys.devices && { ...keys.devices, hash: false };
      default:
        return hashedRule(code, { email: keys.email.column, phone: keys.phone?.column });
    }
  };
}

/** How many columns a key gets: as many values as a written member has, 1 to MAX_KEY_COLUMNS. */
function keyColumns(members: readonly PreparedMember[], column: string): number {
  let n = 1;
  for (const m of members) n = Math.max(n, m.values.get(column)?.length ?? 0);
  return Math.min(n, MAX_KEY_COLUMNS);
}

export interface KeyLayout {
  /** Each key as many times as it has columns (EMAIL, EMAIL, PHONE, ...). */
  header: string[];
  /** A member's cells: for each key its first values, blanks after them. */
  cells: (m: PreparedMember) => string[];
  /** The identity values the cells of these members hold (values past a key's columns are not). */
  written: (members: readonly PreparedMember[]) => number;
}

/** The key columns of a list file, in the order of `keys`. */
export function keyLayout(members: readonly PreparedMember[], keys: readonly string[]): KeyLayout {
  const counts = keys.map((k) => keyColumns(members, k));
  return {
    header: keys.flatMap((k, i) => Array<string>(counts[i]).fill(k)),
    cells: (m) =>
      keys.flatMap((k, i) => {
        const values = m.values.get(k) ?? [];
        return Array.from({ length: counts[i] }, (_, j) => values[j] ?? '');
      }),
    written: (list) =>
      list.reduce(
        (total, m) => keys.reduce((n, k, i) => n + Math.min(m.values.get(k)?.length ?? 0, counts[i]), total),
        0
      )
  };
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
  const build = (status: 'active' | 'exited', fileSuffix: string | undefined) =>
    csvPayload(req, header, members.filter((m) => m.member.status === status).flatMap(lines), fileSuffix);
  const files = [build('active', suffix)];
  if (req.incremental) files.push(build('exited', suffix ? `${suffix}_remove` : 'remove'));
  return files;
}

/** A one-column list with a line per value (LinkedIn's emails, Google's device ids). */
export function valueListFiles(
  req: PayloadRequest,
  members: readonly PreparedMember[],
  column: string,
  suffix?: string
): PayloadFile[] {
  return listFiles(req, members, [column], (m) => (m.values.get(column) ?? []).map((v) => [v]), suffix);
}
