// A sandbox's identity settings, kept in its meta table.
import type { Database } from '../db/sqlite';
import { readMeta as read, writeMeta as write } from '../db/meta';
import { invalid } from '../errors';
import type { IdentitySettings } from '../types';
import { blockedKeys, DEFAULT_BLOCKED_VALUES, DEFAULT_COUNTRY, phoneCountry } from './normalize';

const MAX_BLOCKED = 1000;

export function readIdentitySettings(db: Database): IdentitySettings {
  const blocked = read(db, 'blockedValues');
  return {
    strategy: read(db, 'identityStrategy') === 'isolate' ? 'isolate' : 'continue',
    blockedValues: blocked ? (JSON.parse(blocked) as string[]) : [...DEFAULT_BLOCKED_VALUES],
    // a file from before this setting, or one edited by hand, reads as the default
    defaultCountry: phoneCountry(read(db, 'defaultCountry')) ?? DEFAULT_COUNTRY
  };
}

/** The set isJunk matches against at ingest: blocked values, phones among them in E.164 too. */
export function blockedSet(
  settings: Pick<IdentitySettings, 'blockedValues' | 'defaultCountry'>
): Set<string> {
  return blockedKeys(settings.blockedValues, settings.defaultCountry);
}

export function writeIdentitySettings(db: Database, patch: Partial<IdentitySettings>): IdentitySettings {
  if (typeof patch !== 'object' || patch === null) throw invalid('Identity settings are an object.');
  const country = patch.defaultCountry === undefined ? null : phoneCountry(patch.defaultCountry);
  if (patch.defaultCountry !== undefined && !country) {
    throw invalid(
      'defaultCountry is a two-letter ISO 3166 country code with a telephone numbering plan, e.g. "US" or "GB".',
      { defaultCountry: patch.defaultCountry }
    );
  }
  if (patch.strategy !== undefined) {
    if (patch.strategy !== 'continue' && patch.strategy !== 'isolate') {
      throw invalid('strategy is "continue" or "isolate".', { strategy: patch.strategy });
    }
    write(db, 'identityStrategy', patch.strategy);
  }
  if (country) write(db, 'defaultCountry', country);
  if (patch.blockedValues !== undefined) {
    const list = patch.blockedValues;
    if (!Array.isArray(list) || list.some((v) => typeof v !== 'string')) {
      throw invalid('blockedValues is a list of strings.');
    }
    const seen = new Set<string>();
    const clean: string[] = [];
    for (const v of list) {
      const key = v.trim().toLowerCase();
      if (!key || seen.has(key)) continue;
      seen.add(key);
      clean.push(v.trim());
    }
    if (clean.length > MAX_BLOCKED) throw invalid(`At most ${MAX_BLOCKED} blocked values.`);
    write(db, 'blockedValues', JSON.stringify(clean));
  }
  return readIdentitySettings(db);
}
