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

/** The audience part of a name: its name's slug, else its id's (a name of only CJK or symbols), never ''. */
export function audienceSlug(audience: PayloadRequest['audience']): string {
  return slug(audience.name) || slug(audience.id) || 'audience';
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
