import { resolve } from '$app/paths';
import type { ResolvedPathname } from '$app/types';

type Page =
  | '/'
  | '/dashboards/'
  | '/sandboxes/'
  | '/schemas/'
  | '/schemas/view/'
  | '/schemas/new/'
  | '/datasets/'
  | '/datasets/view/'
  | '/identities/'
  | '/profiles/'
  | '/profiles/calculated/'
  | '/profiles/merge-policies/'
  | '/profiles/api/'
  | '/audiences/'
  | '/audiences/view/'
  | '/policies/'
  | '/policies/new/'
  | '/policies/edit/'
  | '/destinations/'
  | '/destinations/activate/'
  | '/destinations/view/';

/** A link to a screen, with its state in the query string (static hosting has no dynamic routes). */
export function href(page: Page, query: Record<string, string | undefined> = {}): ResolvedPathname {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, v);
  const search = params.toString();
  return search ? resolve(`${page}?${search}`) : resolve(page);
}

export const profileHref = (namespace: string, id: string, mergePolicy?: string): ResolvedPathname =>
  href('/profiles/', { ns: namespace, id, mp: mergePolicy });

export const audienceHref = (name: string): ResolvedPathname => href('/audiences/view/', { name });
