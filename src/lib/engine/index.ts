// openSandbox(): the one public entry of the engine. Works in node (vitest) and in the worker alike.
import { insertNamespace, listNamespaces, STANDARD_NAMESPACES } from './catalog/namespaces';
import { markIdentityFormat, renormalizeIdentities } from './identity/renormalize';
import { migrate } from './db/migrations';
import { transaction } from './db/sql';
import { openDatabase, outOfMemory } from './db/sqlite';
import { checkSandboxFile, checkSandboxSize } from './db/validate';
import { CdpError, invalid } from './errors';
import { nowIso } from './ids';
import { checkCounts } from './profile/counts';
import { queued } from './queue';
import { SqlSandbox } from './sandbox';
import { applyTemplate } from './templates/apply';
import type { Sandbox, TemplateName } from './types';

export type * from './types';
export { CdpError } from './errors';

const TEMPLATES: TemplateName[] = ['empty', 'securfinancial', 'retail'];

export async function openSandbox(
  opts: { bytes?: Uint8Array; template?: TemplateName } = {}
): Promise<Sandbox> {
  try {
    return await open(opts);
  } catch (e) {
    throw outOfMemory(e) ?? e;
  }
}

async function open(opts: { bytes?: Uint8Array; template?: TemplateName }): Promise<Sandbox> {
  // openSandbox('retail') opened an empty sandbox, and openSandbox(null) threw a TypeError
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts))
    throw invalid('openSandbox takes { template: "empty" | "securfinancial" | "retail" } or { bytes }.');
  if (opts.bytes !== undefined) {
    if (!(opts.bytes instanceof Uint8Array))
      throw invalid('bytes is a saved sandbox (.sqlite file) as a Uint8Array.');
    checkSandboxSize(opts.bytes.byteLength);
    let db;
    try {
      db = await openDatabase(opts.bytes);
      // before migrating: a migration's own statements would fire a trigger the file holds
      await checkSandboxFile(db);
      migrate(db);
    } catch (e) {
      db?.close();
      // out of memory is no sign of a bad file: openSandbox says what it is
      if (e instanceof CdpError || outOfMemory(e)) throw e;
      throw invalid(`These bytes are not a Pocket CDP sandbox: ${(e as Error).message}`);
    }
    const sandbox = new SqlSandbox(db);
    if (sandbox.meta('createdAt') === undefined) {
      db.close();
      throw invalid('This SQLite file is not a Pocket CDP sandbox.');
    }
    renormalizeIdentities(db, new Map(listNamespaces(db).map((n) => [n.code, n])));
    checkCounts(db);
    return queued(sandbox);
  }
  const template = opts.template ?? 'empty';
  if (!TEMPLATES.includes(template))
    throw invalid(`template is one of ${TEMPLATES.join(', ')}.`, { template });
  const db = await openDatabase();
  migrate(db);
  const sandbox = new SqlSandbox(db);
  transaction(db, () => {
    for (const ns of STANDARD_NAMESPACES) insertNamespace(db, ns, true, ns.description);
    sandbox.setMeta('template', template);
    sandbox.setMeta('createdAt', nowIso());
    markIdentityFormat(db);
  });
  await applyTemplate(sandbox, template);
  return queued(sandbox);
}
