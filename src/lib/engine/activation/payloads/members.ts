// What every writer does before it formats anything: each member's mapped identities turned into the
// values its destination sends (normalised, empty ones dropped, hashed where the destination hashes),
// the members with none of them left out and counted, and the mapped attributes read and checked.
import { invalid } from '../../errors';
import { hashAll } from '../hash';
import { hashedValue, isHashedNamespace } from '../normalize';
import type { ExportMember, PayloadRequest } from '../payload';

/** How one namespace goes to a destination. */
export interface IdentityRule {
  /** The column (or key) the values go under; several namespaces may share one (Email and Email_LC_SHA256). */
  column: string;
  /** The value as the destination takes it, '' or null when it cannot be sent. */
  normalize: (value: string, member: ExportMember) => string | null;
  /** SHA-256 the normalised value. Never applied to an already-hashed namespace (see prepareMembers). */
  hash: boolean;
}

/**
 * A sandbox's own already-hashed namespace (e.g. Work_Email_SHA256) goes to the destination's email or
 * phone column by its name, passed through like the standard Email_LC_SHA256 and Phone_SHA256.
 */
export function hashedRule(
  code: string,
  columns: { email?: string; phone?: string }
): IdentityRule | undefined {
  if (!isHashedNamespace(code)) return undefined;
  const column = /e-?mail/i.test(code) ? columns.email : /phone/i.test(code) ? columns.phone : undefined;
  return column ? { column, normalize: hashedValue, hash: false } : undefined;
}

/** The rule for a namespace code, or undefined when the destination does not take that namespace. */
export type IdentityRules = (code: string) => IdentityRule | undefined;

export interface PreparedMember {
  member: ExportMember;
  /** Values to send by column: deduplicated, in the order of req.identities, hashed where the rule says. */
  values: Map<string, string[]>;
  /** 'profileId' is one of the mapped identities (it counts as an identity value written). */
  profileIdMapped: boolean;
}

export interface Prepared {
  /** The members written, in input order (same input, same bytes). */
  members: PreparedMember[];
  /** Members left out: none of their mapped identities has a value this destination accepts. */
  excluded: number;
}

/** The persistent id: never normalised, so it is written exactly as the sandbox stores it. */
export const PROFILE_ID = 'profileId';

/** The columns the mapped namespaces (profileId aside) go to, each once, in the order of req.identities. */
export function mappedColumns(req: PayloadRequest, rules: IdentityRules): string[] {
  return [...new Set(req.identities.flatMap((c) => (c === PROFILE_ID ? [] : (rules(c)?.column ?? []))))];
}

/**
 * The one rule for who is written, the same for every destination: a member is written when at least
 * one of req.identities gives it a non-empty value after the destination's normalisation. 'profileId'
 * is always present, so it counts, when mapped, only where the destination takes the persistent id
 * (takesProfileId: Facebook's EXTERN_ID, Braze's external_id, Amplitude's user_id, the file exports);
 * Google, LinkedIn and the email service cannot match on it, so there it neither counts nor is written.
 *
 * A namespace the destination has no rule for is an error, not silently dropped: the caller asked to
 * send something the destination cannot take. An 'exited' member outside an incremental run is an
 * error too (payload.ts: exited exists only in incremental runs), so no one is removed by accident.
 */
export async function prepareMembers(
  req: PayloadRequest,
  rules: IdentityRules,
  takesProfileId: boolean
): Promise<Prepared> {
  const mapped = req.identities.filter((code) => code !== PROFILE_ID);
  const unknown = mapped.filter((code) => !rules(code));
  if (unknown.length) {
    throw invalid(`${req.destination} does not take the identities ${unknown.join(', ')}.`, {
      destination: req.destination,
      identities: unknown
    });
  }
  const profileIdMapped = req.identities.includes(PROFILE_ID);
  const profileIdAccepted = takesProfileId && profileIdMapped;

  interface Pending {
    member: ExportMember;
    values: { column: string; value: string; hash: boolean }[];
  }
  const pending: Pending[] = [];
  const toHash: string[] = [];
  let excluded = 0;
  for (const member of req.members) {
    if (member.status === 'exited' && !req.incremental) {
      throw invalid('An exited member can only be sent in an incremental run.', {
        profileId: member.profileId
      });
    }
    const values: Pending['values'] = [];
    for (const code of mapped) {
      const rule = rules(code)!;
      const prehashed = isHashedNamespace(code);
      for (const raw of ownValues(member.identities, code)) {
        if (typeof raw !== 'string' || raw.trim() === '') continue;
        const value = prehashed ? hashedValue(raw) : rule.normalize(raw, member);
        if (!value) continue;
        const hash = rule.hash && !prehashed;
        values.push({ column: rule.column, value, hash });
        if (hash) toHash.push(value);
      }
    }
    // a member who left is named by its profile id where the destination keeps one, even when the
    // identities it was sent with are gone (its batch deleted): the exit must still reach it
    const exitById = member.status === 'exited' && takesProfileId;
    if (values.length === 0 && !profileIdAccepted && !exitById) {
      excluded++;
      continue;
    }
    pending.push({ member, values });
  }

  const hashes = await hashAll(toHash);
  const members = pending.map(({ member, values }) => {
    const byColumn = new Map<string, string[]>();
    for (const v of values) {
      const sent = v.hash ? hashes.get(v.value)! : v.value;
      const list = byColumn.get(v.column);
      if (!list) byColumn.set(v.column, [sent]);
      else if (!list.includes(sent)) list.push(sent);
    }
    return { member, values: byColumn, profileIdMapped };
  });
  return { members, excluded };
}

/** A member's values of one namespace; identities arrive keyed by user namespace codes. */
function ownValues(identities: ExportMember['identities'], code: string): readonly unknown[] {
  if (!Object.prototype.hasOwnProperty.call(identities, code)) return [];
  const v: unknown = identities[code];
  return Array.isArray(v) ? v : [];
}

/** A mapped attribute's value, read as an own key (a field path such as '__proto__' is data). */
export function attributeValue(member: ExportMember, path: string): unknown {
  return Object.prototype.hasOwnProperty.call(member.attributes, path) ? member.attributes[path] : undefined;
}

/** A header where two columns share a name would be read back as one: refuse it, naming the culprits. */
export function checkColumns(destination: string, header: readonly string[]): void {
  const seen = new Set<string>();
  const dupes = new Set<string>();
  for (const name of header) {
    if (name.trim() === '') throw invalid(`An attribute sent to ${destination} needs a target name.`);
    if (seen.has(name)) dupes.add(name);
    seen.add(name);
  }
  if (dupes.size) {
    throw invalid(`Two columns of the ${destination} file would be named ${[...dupes].join(', ')}.`, {
      destination,
      columns: [...dupes]
    });
  }
}

// Braze, Amplitude and the email service keep one value per field: each mapped namespace sends its
// first value there.

/** The first value of a column, or '' when the member has none. */
export function firstValue(m: PreparedMember, column: string): string {
  return m.values.get(column)?.[0] ?? '';
}

/** Identity values the members send to a one-value destination: one per column each, plus a mapped profileId. */
export function singleValueCount(members: readonly PreparedMember[], columns: readonly string[]): number {
  return members.reduce(
    (n, m) => n + columns.filter((c) => firstValue(m, c)).length,
    profileIdCount(members)
  );
}

/** All the values of some columns the members send (the list and file destinations send every one). */
export function valueCount(members: readonly PreparedMember[], columns: readonly string[]): number {
  return members.reduce((n, m) => columns.reduce((k, c) => k + (m.values.get(c)?.length ?? 0), n), 0);
}

/** The profile ids that count as identity values written: one a member where 'profileId' is mapped. */
export function profileIdCount(members: readonly PreparedMember[]): number {
  return members.filter((m) => m.profileIdMapped).length;
}

/** The profile ids written (payload.ts `written`): a member left out is tried again next run. */
export function writtenIds(members: readonly PreparedMember[]): string[] {
  return members.map((m) => m.member.profileId);
}
