// Saved sandboxes in IndexedDB. Metadata and bytes live in two stores so that listing sandboxes (every
// page load) never reads the databases themselves, which can be hundreds of megabytes each.
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction } from 'idb';
import type { TemplateName } from '$lib/engine/types';
import { CdpError } from './errors';

export interface SandboxMeta {
  id: string;
  name: string;
  template: TemplateName;
  createdAt: string;
  updatedAt: string;
  /** Size of the saved .sqlite bytes. */
  size: number;
  /** Goes up by one with every save: a follower tab reloads when it sees a newer one. */
  revision?: number;
  /**
   * The tab that last claimed the right to save this sandbox (see tabs.ts). A save from any other tab
   * is refused inside the same transaction, so a tab whose writer lock was taken from it while it hung
   * can never overwrite the newer state of the tab that took over.
   */
  writer?: string;
}
export interface SandboxRecord extends SandboxMeta {
  bytes: Uint8Array;
}

interface PocketCdpDb extends DBSchema {
  sandboxes: { key: string; value: SandboxMeta };
  /** Blobs since they were written off the main thread; older saves hold a Uint8Array. */
  sandboxBytes: { key: string; value: { id: string; bytes: Blob | Uint8Array } };
}

export interface SandboxStore {
  /** False when IndexedDB is unavailable (e.g. some private modes): sandboxes last until reload. */
  readonly persistent: boolean;
  list(): Promise<SandboxMeta[]>;
  get(id: string): Promise<SandboxRecord | undefined>;
  /** Makes `writer` the one tab whose saves are accepted, and reads the sandbox in the same transaction. */
  claim(id: string, writer: string): Promise<SandboxRecord | undefined>;
  /** Saves as `writer`; refused (save_conflict) when another tab claimed the sandbox. Returns the new revision. */
  put(record: SandboxRecord, writer: string): Promise<number>;
  delete(id: string): Promise<void>;
}

/** The meta a save writes, or the error when `writer` no longer owns the sandbox. */
function nextMeta(
  saved: SandboxMeta | undefined,
  meta: SandboxMeta,
  writer: string,
  size: number
): SandboxMeta {
  if (saved?.writer !== undefined && saved.writer !== writer)
    throw new CdpError(
      'save_conflict',
      `Sandbox "${saved.name}" was not saved from this tab: another tab took it over and its state is newer.`
    );
  return { ...meta, size, writer, revision: (saved?.revision ?? 0) + 1 };
}

const DB_NAME = 'pocket-cdp';

/**
 * Every write waits until the browser says the data is on disk. Chromium's default ("relaxed") reports
 * a transaction complete before it is flushed, so "Saved in this browser" could be followed by the
 * loss of that save in a crash or power cut; a save is one whole database, worth the flush.
 */
const DURABLE: IDBTransactionOptions = { durability: 'strict' };

type WriteTx = IDBPTransaction<PocketCdpDb, ('sandboxes' | 'sandboxBytes')[], 'readwrite'>;

/** A request's promise whose failure is reported by the transaction instead (no unhandled rejection). */
function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

/**
 * Undoes every write of a transaction that failed part way: a metadata put that committed alone would
 * say a save happened whose bytes were never written.
 */
function abortQuietly(tx: WriteTx): void {
  try {
    tx.abort();
  } catch {
    // Finished already (committed empty, or aborted by the failure itself).
  }
}

/** A quota failure as IndexedDB reports it: thrown by a request, or as the aborted transaction's error. */
export function isQuotaError(e: unknown): boolean {
  if (typeof e !== 'object' || e === null || !('name' in e)) return false;
  // Firefox named it NS_ERROR_DOM_QUOTA_REACHED before it followed the standard name
  return e.name === 'QuotaExceededError' || e.name === 'NS_ERROR_DOM_QUOTA_REACHED';
}

/** A failed write as the app names it: quota, whether a request threw it or the transaction aborted with it. */
function writeError(e: unknown, tx: WriteTx): unknown {
  let txError: unknown = null;
  try {
    txError = tx.error;
  } catch {
    // Older engines throw while the transaction is still active.
  }
  if (isQuotaError(e) || isQuotaError(txError))
    return new CdpError('storage_full', "This browser's storage for Pocket CDP is full.");
  return e;
}

class IdbStore implements SandboxStore {
  readonly persistent = true;
  constructor(private db: IDBPDatabase<PocketCdpDb>) {}
  async list() {
    const all = await this.db.getAll('sandboxes');
    return all.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }
  async get(id: string) {
    const tx = this.db.transaction(['sandboxes', 'sandboxBytes']);
    const [meta, data] = await Promise.all([
      tx.objectStore('sandboxes').get(id),
      tx.objectStore('sandboxBytes').get(id)
    ]);
    await tx.done;
    if (!meta || !data) return undefined;
    const bytes = data.bytes instanceof Blob ? new Uint8Array(await data.bytes.arrayBuffer()) : data.bytes;
    return { ...meta, bytes };
  }
  async claim(id: string, writer: string) {
    const tx = this.db.transaction(['sandboxes', 'sandboxBytes'], 'readwrite', DURABLE);
    const done = quiet(tx.done);
    let meta: SandboxMeta | undefined;
    let data: PocketCdpDb['sandboxBytes']['value'] | undefined;
    try {
      [meta, data] = await Promise.all([
        tx.objectStore('sandboxes').get(id),
        tx.objectStore('sandboxBytes').get(id)
      ]);
      if (meta) await tx.objectStore('sandboxes').put({ ...meta, writer });
      await done;
    } catch (e) {
      abortQuietly(tx);
      throw writeError(e, tx);
    }
    if (!meta || !data) return undefined;
    const bytes = data.bytes instanceof Blob ? new Uint8Array(await data.bytes.arrayBuffer()) : data.bytes;
    return { ...meta, writer, bytes };
  }
  async put({ bytes, ...meta }: SandboxRecord, writer: string) {
    // One transaction: metadata never points at bytes that were not written, and the writer check
    // and the write cannot be split by another tab's claim (IndexedDB runs them one after the other).
    const tx = this.db.transaction(['sandboxes', 'sandboxBytes'], 'readwrite', DURABLE);
    const done = quiet(tx.done);
    try {
      const next = nextMeta(await tx.objectStore('sandboxes').get(meta.id), meta, writer, bytes.byteLength);
      const metaPut = quiet(tx.objectStore('sandboxes').put(next));
      // A Blob: IndexedDB writes its contents off the main thread, where a Uint8Array of a large
      // sandbox was serialised on it (a 300 ms freeze after every save of a 100k-row sandbox).
      // A put can throw at once (quota), after the metadata put was made: the catch aborts both.
      const bytesPut = quiet(
        tx
          .objectStore('sandboxBytes')
          .put({ id: meta.id, bytes: new Blob([bytes as Uint8Array<ArrayBuffer>]) })
      );
      await Promise.all([metaPut, bytesPut, done]);
      return next.revision ?? 0;
    } catch (e) {
      // Refused (another tab's claim) or failed (quota, disk): nothing of this save is kept, the last
      // saved state stays as it was.
      abortQuietly(tx);
      throw writeError(e, tx);
    }
  }
  async delete(id: string) {
    const tx = this.db.transaction(['sandboxes', 'sandboxBytes'], 'readwrite', DURABLE);
    await Promise.all([
      tx.objectStore('sandboxes').delete(id),
      tx.objectStore('sandboxBytes').delete(id),
      tx.done
    ]);
  }
}

class MemoryStore implements SandboxStore {
  readonly persistent = false;
  private records = new Map<string, SandboxRecord>();
  list() {
    return Promise.resolve(
      [...this.records.values()]
        .map(({ bytes: _bytes, ...meta }) => meta)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    );
  }
  get(id: string) {
    // A copy: the caller transfers these bytes to the worker, which would empty the stored ones.
    const record = this.records.get(id);
    return Promise.resolve(record && { ...record, bytes: record.bytes.slice() });
  }
  claim(id: string, writer: string) {
    const record = this.records.get(id);
    if (record) record.writer = writer;
    return this.get(id);
  }
  put({ bytes, ...meta }: SandboxRecord, writer: string) {
    // An executor: a refused save (nextMeta throws) becomes the promise's rejection.
    return new Promise<number>((resolve) => {
      const next = nextMeta(this.records.get(meta.id), meta, writer, bytes.byteLength);
      this.records.set(meta.id, { ...next, bytes });
      resolve(next.revision ?? 0);
    });
  }
  delete(id: string) {
    this.records.delete(id);
    return Promise.resolve();
  }
}

export async function openSandboxStore(): Promise<SandboxStore> {
  try {
    const db = await openDB<PocketCdpDb>(DB_NAME, 1, {
      upgrade(db) {
        db.createObjectStore('sandboxes', { keyPath: 'id' });
        db.createObjectStore('sandboxBytes', { keyPath: 'id' });
      }
    });
    return new IdbStore(db);
  } catch {
    return new MemoryStore();
  }
}
