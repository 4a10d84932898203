// Saved sandboxes in IndexedDB. Metadata and bytes live in two stores so that listing sandboxes (every
// page load) never reads the databases themselves, which can be hundreds of megabytes each.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { TemplateName } from '$lib/engine/types';

export interface SandboxMeta {
  id: string;
  name: string;
  template: TemplateName;
  createdAt: string;
  updatedAt: string;
  /** Size of the saved .sqlite bytes. */
  size: number;
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
  put(record: SandboxRecord): Promise<void>;
  delete(id: string): Promise<void>;
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
  async put({ bytes, ...meta }: SandboxRecord) {
    // One transaction: metadata never points at bytes that were not written.
    const tx = this.db.transaction(['sandboxes', 'sandboxBytes'], 'readwrite');
    await Promise.all([
      tx.objectStore('sandboxes').put({ ...meta, size: bytes.byteLength }),
      // A Blob: IndexedDB writes its contents off the main thread, where a Uint8Array of a large
      // sandbox was serialised on it (a 300 ms freeze after every save of a 100k-row sandbox).
      tx
        .objectStore('sandboxBytes')
        .put({ id: meta.id, bytes: new Blob([bytes as Uint8Array<ArrayBuffer>]) }),
      tx.done
    ]);
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
  put(record: SandboxRecord) {
    this.records.set(record.id, { ...record, size: record.bytes.byteLength });
    return Promise.resolve();
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
