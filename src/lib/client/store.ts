// Saved sandboxes in IndexedDB. Metadata and bytes live in two stores so that listing sandboxes (every
// page load) never reads the databases themselves, which can be hundreds of megabytes each.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
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
    const tx = this.db.transaction(['sandboxes', 'sandboxBytes'], 'readwrite');
    const [meta, data] = await Promise.all([
      tx.objectStore('sandboxes').get(id),
      tx.objectStore('sandboxBytes').get(id)
    ]);
    if (meta) await tx.objectStore('sandboxes').put({ ...meta, writer });
    await tx.done;
    if (!meta || !data) return undefined;
    const bytes = data.bytes instanceof Blob ? new Uint8Array(await data.bytes.arrayBuffer()) : data.bytes;
    return { ...meta, writer, bytes };
  }
  async put({ bytes, ...meta }: SandboxRecord, writer: string) {
    // One transaction: metadata never points at bytes that were not written, and the writer check
    // and the write cannot be split by another tab's claim (IndexedDB runs them one after the other).
    const tx = this.db.transaction(['sandboxes', 'sandboxBytes'], 'readwrite');
    const done = tx.done;
    try {
      const next = nextMeta(await tx.objectStore('sandboxes').get(meta.id), meta, writer, bytes.byteLength);
      await Promise.all([
        tx.objectStore('sandboxes').put(next),
        // A Blob: IndexedDB writes its contents off the main thread, where a Uint8Array of a large
        // sandbox was serialised on it (a 300 ms freeze after every save of a 100k-row sandbox).
        tx
          .objectStore('sandboxBytes')
          .put({ id: meta.id, bytes: new Blob([bytes as Uint8Array<ArrayBuffer>]) }),
        done
      ]);
      return next.revision ?? 0;
    } catch (e) {
      // A refused save writes nothing (the transaction commits empty); a failed write rejects `done`
      // as well, which is the same failure as the one thrown here.
      done.catch(() => undefined);
      throw e;
    }
  }
  async delete(id: string) {
    const tx = this.db.transaction(['sandboxes', 'sandboxBytes'], 'readwrite');
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
