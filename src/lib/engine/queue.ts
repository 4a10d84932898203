// One queue for every call of a sandbox, reads included. An ingest holds its transaction across awaits
// (it yields between chunks so progress and cancel get through); a read that ran in between would see
// rows a cancel then rolls back. Calls therefore run strictly one after another, in the order made.
import { outOfMemory } from './db/sqlite';
import { CdpError } from './errors';
import { SANDBOX_CALLS, type Sandbox, type SandboxCall } from './types';

/**
 * What a call that failed throws: a CdpError whatever failed. sql.js throws bare strings ("Database
 * closed", "Wrong API use ...") and a missed check a TypeError: a caller reads code and message of
 * every error, as the worker boundary already gives them (host.ts).
 */
export function asCdpError(e: unknown): CdpError {
  // first: a query's SQL error may be SQLite running out of memory
  const memory = outOfMemory(e);
  if (memory) return memory;
  if (e instanceof CdpError) return e;
  return new CdpError('internal', e instanceof Error ? e.message : String(e));
}

export function queued(inner: Sandbox): Sandbox {
  let tail: Promise<unknown> = Promise.resolve();
  let closed = false;
  const run = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = tail.then(fn, fn);
    tail = next.catch(() => undefined);
    return next;
  };
  const facade = Object.create(null) as Record<string, unknown>;
  for (const method of Object.keys(SANDBOX_CALLS) as SandboxCall[]) {
    const target = inner as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    // every call's way out, so no caller (host or not) sees SQLite's bare "out of memory"
    facade[method] = (...args: unknown[]) =>
      closed
        ? Promise.reject(
            new CdpError(
              'closed',
              `This sandbox was closed: ${method}() needs one opened again (openSandbox).`
            )
          )
        : run(() => target[method](...args)).catch((e: unknown) => {
            throw asCdpError(e);
          });
  }
  // Closing waits for the calls already queued, so a sandbox switch never pulls the database out from
  // under a running upload; a call made after it is refused, not run on a closed database.
  facade.close = () => {
    if (closed) return;
    closed = true;
    void run(() => Promise.resolve(inner.close()));
  };
  return Object.freeze(facade) as unknown as Sandbox;
}
