// The one connection to the engine worker: started on first use, shared by every screen. Calls made
// while the worker dies are rejected with a clear error instead of hanging, and the next call starts
// a fresh worker (the sandbox manager then reopens the active sandbox from IndexedDB).
import * as Comlink from 'comlink';
import wasmUrl from 'sql.js/dist/sql-wasm-browser.wasm?url';
import { installWireHandlers, type EngineHost } from '$lib/worker/wire';
import { CdpError, toCdpError } from './errors';

let worker: Worker | undefined;
let remote: Comlink.Remote<EngineHost> | undefined;
let configured: Promise<void> | undefined;
let generation = 0;
const pending = new Set<(e: CdpError) => void>();
const stopListeners = new Set<(cause: string) => void>();

/**
 * Calls `listener` with what stopped the worker (a crash's message) each time it dies, before the calls
 * it was running are rejected: the sandbox manager reopens the saved state and says so.
 */
export function onEngineStopped(listener: (cause: string) => void): () => void {
  stopListeners.add(listener);
  return () => stopListeners.delete(listener);
}

function stop(reason: string, cause: string): void {
  if (!worker) return;
  worker.terminate();
  worker = undefined;
  remote = undefined;
  configured = undefined;
  for (const listener of [...stopListeners]) listener(cause);
  const error = new CdpError('engine_stopped', reason);
  for (const reject of [...pending]) reject(error);
  pending.clear();
}

function start(): Comlink.Remote<EngineHost> {
  installWireHandlers();
  const w = new Worker(new URL('../worker/engine.worker.ts', import.meta.url), {
    type: 'module',
    name: 'pocket-cdp-engine'
  });
  w.addEventListener('error', (ev) => {
    ev.preventDefault();
    // "Uncaught Error: out of memory" says no more to a reader without its first word
    const cause = (ev.message || '').replace(/^Uncaught /, '') || 'no reason given';
    if (w === worker)
      stop(`The engine stopped unexpectedly (${cause}). Your last saved state will be reopened.`, cause);
  });
  w.addEventListener('messageerror', () => {
    if (w === worker)
      stop(
        'The engine sent a message the page could not read; it was restarted.',
        'it sent a message the page could not read'
      );
  });
  worker = w;
  generation += 1;
  const r = Comlink.wrap<EngineHost>(w);
  // The ?url import is relative to this module; the worker lives elsewhere, so it gets an absolute URL.
  configured = r.configure({ wasmUrl: new URL(wasmUrl, import.meta.url).href });
  remote = r;
  return r;
}

/** Changes each time a new worker starts (-1 while none runs): a sandbox opened in an earlier one is gone. */
export function engineGeneration(): number {
  return worker ? generation : -1;
}

/** Runs one request against the worker; rejects with a CdpError when the engine fails or dies. */
export function withEngine<T>(use: (host: Comlink.Remote<EngineHost>) => Promise<T>): Promise<T> {
  const host = remote ?? start();
  const ready = configured;
  return new Promise<T>((resolve, reject) => {
    const fail = (e: CdpError) => reject(e);
    pending.add(fail);
    (async () => {
      await ready;
      return use(host);
    })()
      .then(resolve, (e: unknown) => reject(toCdpError(e)))
      .finally(() => pending.delete(fail));
  });
}
