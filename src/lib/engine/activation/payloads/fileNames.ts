// The names every activation file carries: <destination>_<audience>_<yyyymmddhhmmss>[_<suffix>].<ext>,
// the audience made safe for any file system or bucket key, the time the run started in UTC.
import { invalid } from '../../errors';
import type { PayloadRequest } from '../payload';

/**
 * Lower-case ASCII letters and digits, every other run of characters one '-', no '-' at either end.
 * Accents are taken off first (Élite -> elite), so a French or German name stays readable.
 */
export function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Long enough to read, short enough that a file name stays well inside every file system's 255 bytes. */
const MAX_SLUG = 60;

/**
 * The audience part of a name: its name's slug, else its id's (a name of only CJK or symbols), never ''.
 * A slug past MAX_SLUG is cut at a word and ends in a few characters of the audience id, so two long
 * names that begin alike still name different files.
 */
export function audienceSlug(audience: PayloadRequest['audience']): string {
  const full = slug(audience.name) || slug(audience.id) || 'audience';
  if (full.length <= MAX_SLUG) return full;
  const head = full.slice(0, MAX_SLUG - 7);
  const cut = head.lastIndexOf('-');
  return `${cut > MAX_SLUG / 2 ? head.slice(0, cut) : head}-${shortHash(audience.id)}`;
}

/** Six base-36 characters of FNV-1a over the text: stable, not secret. */
function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(36).padStart(6, '0').slice(-6);
}

/** yyyymmddhhmmss in UTC */
export function fileTimestamp(startedAt: Date): string {
  if (!(startedAt instanceof Date) || Number.isNaN(startedAt.getTime())) {
    throw invalid('An activation needs a valid start time (startedAt).', { startedAt: String(startedAt) });
  }
  return startedAt
    .toISOString()
    .replace(/\.\d{3}Z$/, '')
    .replace(/\D/g, '');
}

/** <destination>_<audience>_<yyyymmddhhmmss> followed by _suffix when given; no extension. */
export function fileStem(req: PayloadRequest, suffix?: string): string {
  const stem = `${req.destination}_${audienceSlug(req.audience)}_${fileTimestamp(req.startedAt)}`;
  return suffix ? `${stem}_${suffix}` : stem;
}

/**
 * The name of a membership attribute (Braze custom attribute, Amplitude user property): the audience's
 * slug with '_' for '-', as attribute names are usually written, behind 'audience_' so it cannot be
 * taken for one of the platform's own attributes.
 */
export function membershipAttribute(audience: PayloadRequest['audience']): string {
  return `audience_${audienceSlug(audience).replace(/-/g, '_')}`;
}
