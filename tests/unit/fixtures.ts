// Small schema pieces the unit tests share: the usual identity and event fields, and a dataset made in
// one call on any Sandbox (in this thread or behind the worker adapter).
import type { FieldDef, Sandbox, SchemaDef } from '../../src/lib/engine/index';

export const EMAIL_KEY: FieldDef = {
  path: 'email',
  type: 'string',
  identity: { namespace: 'Email', primary: true }
};
export const PHONE: FieldDef = { path: 'phone', type: 'string', identity: { namespace: 'Phone' } };
export const TIMESTAMP: FieldDef = { path: 'timestamp', type: 'datetime', required: true };
export const EVENT_TYPE: FieldDef = { path: 'eventType', type: 'string', required: true };

/** A schema and a dataset of the same name. */
export async function addDataset(
  sb: Sandbox,
  name: string,
  cls: SchemaDef['class'],
  fields: FieldDef[]
): Promise<Sandbox> {
  await sb.createSchema({ name, class: cls, fields });
  await sb.createDataset({ name, schema: name });
  return sb;
}

/**
 * SQL that gives a current sandbox's identities the table format 10 and before had (first and last
 * seen as ISO text, not milliseconds): the first step of making a file as an older app saved it.
 */
export const IDENTITIES_BEFORE_FORMAT_11 = `
  ALTER TABLE identities RENAME TO identities_ms;
  CREATE TABLE identities (
    iid INTEGER PRIMARY KEY, ns TEXT NOT NULL, value TEXT NOT NULL, comp INTEGER NOT NULL,
    first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, UNIQUE (ns, value));
  INSERT INTO identities SELECT iid, ns, value, comp,
    strftime('%Y-%m-%dT%H:%M:%fZ', first_seen / 1000.0, 'unixepoch'),
    strftime('%Y-%m-%dT%H:%M:%fZ', last_seen / 1000.0, 'unixepoch') FROM identities_ms;
  DROP TABLE identities_ms;
  CREATE INDEX identities_comp ON identities(comp);`;
