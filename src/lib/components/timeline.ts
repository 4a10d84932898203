// What the event timeline says about each event, worked out from the identities the event carried
// (ProfileEvent.identities) and the namespaces' types: whether the visitor was anonymous then (only a
// cookie or device on the event, as profile/kind.ts calls a profile anonymous), where they logged in,
// and the product the event is about.
import type { Namespace, ProfileEvent, ProfileIdentity } from '$lib/engine/types';

const ANONYMOUS_TYPES: ReadonlySet<string> = new Set(['cookie', 'device']);

export interface TimelineEntry {
  event: ProfileEvent;
  /** No person identity on the event (only cookies or devices); null when the event does not say */
  anonymous: boolean | null;
  /**
   * The login: the first event carrying a person identity on a cookie or device whose earlier events
   * were anonymous. Its person identity and the cookie or device it logged in on.
   */
  login: { as: ProfileIdentity; on: ProfileIdentity } | null;
  /** The cookies and devices on the event, and the person identities */
  devices: ProfileIdentity[];
  people: ProfileIdentity[];
  product: { name: string | null; sku: string | null; price: number | null } | null;
}

const key = (i: ProfileIdentity) => `${i.namespace}\u0000${i.id}`;
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/** SKU to product name, from every event of the profile that names both. */
export function productNames(events: ProfileEvent[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const e of events) {
    const sku = text(e['commerce.product.sku']);
    const name = text(e['commerce.product.name']);
    if (sku && name && !names.has(sku)) names.set(sku, name);
  }
  return names;
}

/**
 * The events oldest first, each with what the timeline marks. Namespaces give the identities' types;
 * an identity of a namespace it does not know counts as a person identity, so nothing is called
 * anonymous on a guess.
 */
export function timeline(events: ProfileEvent[], namespaces: Namespace[]): TimelineEntry[] {
  const types = new Map(namespaces.map((n) => [n.code, n.type as string]));
  const isDevice = (i: ProfileIdentity) => ANONYMOUS_TYPES.has(types.get(i.namespace) ?? '');
  const names = productNames(events);
  // per cookie or device: was its latest event so far anonymous?
  const anonymousOn = new Map<string, boolean>();
  const sorted = [...events].sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  return sorted.map((event) => {
    const ids = Array.isArray(event.identities) ? event.identities : null;
    const devices = (ids ?? []).filter(isDevice);
    const people = (ids ?? []).filter((i) => i.inGraph && !isDevice(i));
    const anonymous = ids === null || ids.length === 0 ? null : people.length === 0;
    let login: TimelineEntry['login'] = null;
    if (anonymous === false) {
      const on = devices.find((d) => anonymousOn.get(key(d)) === true);
      if (on) login = { as: people[0], on };
    }
    if (anonymous !== null) for (const d of devices) anonymousOn.set(key(d), anonymous);
    const sku = text(event['commerce.product.sku']);
    const name = text(event['commerce.product.name']) ?? (sku ? (names.get(sku) ?? null) : null);
    return {
      event,
      anonymous,
      login,
      devices,
      people,
      product:
        sku || name
          ? {
              name,
              sku,
              price:
                typeof event['commerce.product.price'] === 'number' ? event['commerce.product.price'] : null
            }
          : null
    };
  });
}

/** A long cookie or device id as its first 6 and last 4 characters; short ones as they are. */
export function shortId(id: string): string {
  return id.length > 14 ? `${id.slice(0, 6)}…${id.slice(-4)}` : id;
}

const SHOWN_ELSEWHERE = new Set(['timestamp', 'eventType', 'dataset', 'identities']);

/**
 * The event's other fields worth a glance: not its type and time, not the fields holding its identities
 * (shown as identities) nor its product (shown by name), at most `max` of them.
 */
export function eventDetails(entry: TimelineEntry, max = 4): [string, unknown][] {
  const idValues = new Set(
    [...entry.devices, ...entry.people, ...(entry.event.identities ?? [])].map((i) =>
      i.id.trim().toLowerCase()
    )
  );
  return Object.entries(entry.event)
    .filter(
      ([k, v]) =>
        !SHOWN_ELSEWHERE.has(k) &&
        !k.startsWith('commerce.product.') &&
        v !== null &&
        v !== undefined &&
        v !== '' &&
        !(typeof v === 'string' && idValues.has(v.trim().toLowerCase()))
    )
    .slice(0, max);
}
