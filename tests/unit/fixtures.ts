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
