// One queue for every call of a sandbox, reads included. An ingest holds its transaction across awaits
// (it yields between chunks so progress and cancel get through); a read that ran in between would see
// rows a cancel then rolls back. Calls therefore run strictly one after another, in the order made.
import { outOfMemory } from './db/sqlite';
import { SANDBOX_CALLS, type Sandbox, type SandboxCall } from './types';

export function queued(inner: Sandbox): Sandbox {
  let tail: Promise<unknown> = Promise.resolve();
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
      run(() => target[method](...args)).catch((e: unknown) => {
        throw outOfMemory(e) ?? e;
      });
  }
  // Closing waits for the calls already queued, so a sandbox switch never pulls the database out from
  // under a running upload.
  facade.close = () => void run(() => Promise.resolve(inner.close()));
  return Object.freeze(facade) as unknown as Sandbox;
}
