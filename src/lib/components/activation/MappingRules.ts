// What the mapping step offers and checks, apart from how it is drawn: the identities a destination
// takes that this sandbox has, the attributes it may send, their default names and what keeps a mapping
// from being sent.
import type { CalculatedAttribute, DestinationDetails, Namespace, Schema } from '$lib/engine/types';

export interface IdentityOption {
  code: string;
  name: string;
  note: string;
}
export interface AttributeOption {
  path: string;
  title: string;
  labels: string[];
}

/** The name an attribute is sent under unless the user types another: its last segment, in snake_case. */
export function defaultTarget(path: string): string {
  const last = path.split('.').pop() ?? path;
  return last
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/** What keeps the mapping from being sent, in words, or null when it can be. */
export function mappingProblem(
  identities: string[],
  attributes: string[],
  targets: Record<string, string>
): string | null {
  if (identities.length === 0) return 'Choose at least one identity to send.';
  const used = new Map<string, string>();
  for (const path of attributes) {
    const t = (targets[path] ?? '').trim();
    if (!t) return `Give ${path} a name at the destination.`;
    if (t.length > 100) return `The name of ${path} at the destination is at most 100 characters.`;
    const other = used.get(t);
    if (other) return `${other} and ${path} are both sent as "${t}": rename one.`;
    used.set(t, path);
  }
  return null;
}

/** The destination's identities that exist in this sandbox, the persistent profile id first where it takes it. */
export function identityOptions(destination: DestinationDetails, namespaces: Namespace[]): IdentityOption[] {
  const known = new Map(namespaces.map((n) => [n.code, n]));
  return destination.identities.flatMap((code): IdentityOption[] => {
    if (code === 'profileId') {
      return [
        {
          code,
          name: 'Profile id',
          note: `profile id → ${destination.profileIdTarget ?? 'its own column'}: the persistent id, the same on every run`
        }
      ];
    }
    const ns = known.get(code);
    if (!ns) return [];
    const note = destination.hashed.includes(code)
      ? `${code}: hashed SHA-256 by Pocket CDP`
      : /SHA256/i.test(code)
        ? `${code}: already hashed, sent as it is`
        : `${code}: sent normalised, not hashed`;
    return [{ code, name: ns.name, note }];
  });
}

/**
 * Calculated attributes (calc.<name>, with the labels of the event field they read) and the
 * non-identity fields of the profile schemas (with their labels in every schema that has them).
 */
export function attributeOptions(schemas: Schema[], calculated: CalculatedAttribute[]): AttributeOption[] {
  const byPath = new Map<string, AttributeOption>();
  for (const s of schemas) {
    if (s.class !== 'profile') continue;
    for (const f of s.fields) {
      if (f.identity) continue;
      const seen = byPath.get(f.path);
      const fieldLabels = f.labels ?? [];
      if (seen) seen.labels = [...new Set([...seen.labels, ...fieldLabels])];
      else byPath.set(f.path, { path: f.path, title: f.title ?? '', labels: [...fieldLabels] });
    }
  }
  const eventLabels = (field: string | null) =>
    field
      ? [
          ...new Set(
            schemas
              .filter((s) => s.class === 'event')
              .flatMap((s) => s.fields.filter((f) => f.path === field).flatMap((f) => f.labels ?? []))
          )
        ]
      : [];
  const calc = calculated.map((c) => ({
    path: `calc.${c.name}`,
    title: c.title,
    labels: eventLabels(c.field)
  }));
  return [...calc, ...byPath.values()];
}
