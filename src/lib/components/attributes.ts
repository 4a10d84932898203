import type { Profile } from '$lib/engine/types';

export interface AttributeRow {
  path: string;
  name: string;
  value: unknown;
  dataset?: string;
  timestamp?: string;
  labels: string[];
}
export interface AttributeGroup {
  group: string;
  rows: AttributeRow[];
}

export const isThirdParty = (profile: Profile, path: string): boolean =>
  (profile.labels[path] ?? []).includes('THIRD_PARTY');

/** Attributes by field group (the first segment of the path: person, account, consent, …). */
export function groupAttributes(profile: Profile, include: (path: string) => boolean): AttributeGroup[] {
  const groups = new Map<string, AttributeRow[]>();
  for (const path of Object.keys(profile.attributes).sort()) {
    if (!include(path)) continue;
    const dot = path.indexOf('.');
    const group = dot > 0 ? path.slice(0, dot) : 'general';
    const source = profile.sources[path];
    const row: AttributeRow = {
      path,
      name: dot > 0 ? path.slice(dot + 1) : path,
      value: profile.attributes[path],
      dataset: source?.dataset,
      timestamp: source?.timestamp,
      labels: profile.labels[path] ?? []
    };
    groups.set(group, [...(groups.get(group) ?? []), row]);
  }
  return [...groups].map(([group, rows]) => ({ group, rows }));
}

export const groupTitle = (group: string): string =>
  group === 'general' ? 'General' : group.charAt(0).toUpperCase() + group.slice(1);
