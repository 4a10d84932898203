// The writers with one row (or one record) per profile — Braze, Amplitude, the email service and the
// file exports — describe it as a list of columns, each a name and the cell it gives a member, so a
// header and its rows are made from the same list and cannot drift apart.
import type { PayloadRequest } from '../payload';
import { membershipAttribute } from './fileNames';
import { attributeValue, checkColumns, PROFILE_ID, type PreparedMember } from './members';

export interface MemberColumn {
  header: string;
  cell: (m: PreparedMember) => unknown;
}

/** The persistent profile id, under the destination's name for it (external_id, profileId). */
export function profileIdColumn(header: string = PROFILE_ID): MemberColumn {
  return { header, cell: (m) => m.member.profileId };
}

/** One column per identity column, under its own name. */
export function identityColumns(
  columns: readonly string[],
  cell: (m: PreparedMember, column: string) => unknown
): MemberColumn[] {
  return columns.map((column) => ({ header: column, cell: (m) => cell(m, column) }));
}

/** The mapped attributes, in mapping order, under their target names. */
export function attributeColumns(req: PayloadRequest): MemberColumn[] {
  return req.attributes.map((a) => ({ header: a.target, cell: (m) => attributeValue(m.member, a.path) }));
}

/**
 * Audience membership as a boolean attribute, audience_<name>: true for members, false for those who
 * left since the last run (incremental), so the platform follows the audience and deletes no one.
 */
export function membershipColumn(req: PayloadRequest): MemberColumn {
  return { header: membershipAttribute(req.audience), cell: (m) => m.member.status === 'active' };
}

/** In an incremental run, status (active/exited), so the reader can drop who left; none otherwise. */
export function statusColumns(req: PayloadRequest): MemberColumn[] {
  return req.incremental ? [{ header: 'status', cell: (m) => m.member.status }] : [];
}

/** The header and one row a member, the header checked first (checkColumns). */
export function memberTable(
  req: PayloadRequest,
  members: readonly PreparedMember[],
  columns: readonly MemberColumn[]
): { header: string[]; rows: unknown[][] } {
  const header = columns.map((c) => c.header);
  checkColumns(req.destination, header);
  return { header, rows: members.map((m) => columns.map((c) => c.cell(m))) };
}
