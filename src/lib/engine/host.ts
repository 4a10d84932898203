// What the worker exposes: one open sandbox at a time, switched by open(), plus cancel() because an
// AbortSignal cannot cross postMessage. Pure TypeScript, so node tests can drive it like the worker does.
import { configureSqlJs } from './db/sqlite';
import { CdpError } from './errors';
import { openSandbox } from './index';
import { asCdpError } from './queue';
import {
  isSandboxCall,
  type GenerateOptions,
  type IngestOptions,
  type QueryResult,
  type Sandbox,
  type TemplateName
} from './types';

export type HostIngestOptions = Omit<IngestOptions, 'signal'> & { cancelToken?: string };
export type HostGenerateOptions = GenerateOptions &
  Pick<IngestOptions, 'onProgress'> & { cancelToken?: string };

/** Calls that take an AbortSignal: they have a method of their own that turns it into cancel(). */
const WITH_SIGNAL = new Set(['ingest', 'generateInto']);

export interface EngineHost {
  configure(options: { wasmUrl?: string }): void;
  /** Opens a saved sandbox (bytes) or a new one from a template; closes the one open before. */
  open(opts: { bytes?: Uint8Array; template?: TemplateName }): Promise<void>;
  cancel(token: string): void;
  /**
   * Rows changed in the open sandbox since it was opened (SQLite's total_changes(); sql.js exports
   * through the backup API, so an export does not restart it). It only grows: the client saves after a
   * write only when it moved, so a write that changed nothing (refused, a flow not due) is not saved.
   */
  changes(): Promise<number>;
  call<K extends keyof Omit<Sandbox, 'ingest' | 'generateInto' | 'close'>>(
    method: K,
    ...args: Parameters<Sandbox[K]>
  ): Promise<Awaited<ReturnType<Sandbox[K]>>>;
  ingest(
    dataset: string,
    input: string | Uint8Array | Blob,
    opts?: HostIngestOptions
  ): ReturnType<Sandbox['ingest']>;
  generateInto(dataset: string, opts: HostGenerateOptions): ReturnType<Sandbox['generateInto']>;
}

const TOTAL_CHANGES = 'SELECT total_changes()';
const totalOf = (r: QueryResult) => Number(r.rows[0]?.[0] ?? 0);

function asData(e: unknown): never {
  // a fresh CdpError of plain fields, whatever failed (./queue.ts asCdpError decides which)
  const c = asCdpError(e);
  throw new CdpError(c.code, c.message, c.details);
}

export function createHost(): EngineHost {
  let current: Sandbox | undefined;
  const controllers = new Map<string, AbortController>();
  const sandbox = () => {
    if (!current) throw new CdpError('no_sandbox', 'No sandbox is open.');
    return current;
  };
  return {
    configure({ wasmUrl }) {
      if (wasmUrl) configureSqlJs({ locateFile: () => wasmUrl });
    },
    async open(opts) {
      try {
        let next: Sandbox;
        try {
          next = await openSandbox(opts);
        } catch (e) {
          // Every open sandbox shares SQLite's heap (db/sqlite.ts outOfMemory): when the next does not
          // fit beside the one open now, that one is closed first rather than after. That loses nothing
          // saved: the client queues a write's save before any open, and reopens its sandbox when an
          // open fails.
          if (!(current && e instanceof CdpError && e.code === 'out_of_memory')) throw e;
          current.close();
          current = undefined;
          next = await openSandbox(opts);
        }
        current?.close();
        current = next;
      } catch (e) {
        asData(e);
      }
    },
    cancel(token) {
      controllers.get(token)?.abort();
    },
    async changes() {
      try {
        // through the sandbox's queue, so the count is of the calls made before this one
        return totalOf(await sandbox().query(TOTAL_CHANGES));
      } catch (e) {
        asData(e);
      }
    },
    async call(method, ...args) {
      try {
        // Only the calls of the contract: a console cannot reach close() or anything else on the object
        if (!isSandboxCall(method) || WITH_SIGNAL.has(method))
          throw new CdpError('invalid_argument', `"${String(method)}" is not a sandbox call.`);
        const fn = sandbox()[method] as (...a: unknown[]) => Promise<unknown>;
        return (await fn.apply(sandbox(), args)) as never;
      } catch (e) {
        asData(e);
      }
    },
    async ingest(dataset, input, opts = {}) {
      const { cancelToken, ...rest } = opts;
      const controller = new AbortController();
      if (cancelToken) controllers.set(cancelToken, controller);
      try {
        return await sandbox().ingest(dataset, input, { ...rest, signal: controller.signal });
      } catch (e) {
        asData(e);
      } finally {
        if (cancelToken) controllers.delete(cancelToken);
      }
    },
    async generateInto(dataset, opts) {
      // a missing options object reaches the engine, which says what generating needs
      const { cancelToken, ...rest } = opts ?? ({} as HostGenerateOptions);
      const controller = new AbortController();
      if (cancelToken) controllers.set(cancelToken, controller);
      try {
        return await sandbox().generateInto(dataset, { ...rest, signal: controller.signal });
      } catch (e) {
        asData(e);
      } finally {
        if (cancelToken) controllers.delete(cancelToken);
      }
    }
  };
}
