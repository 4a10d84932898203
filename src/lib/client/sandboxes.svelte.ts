// Sandbox management lives on the page side: the engine holds one open sandbox, IndexedDB holds them
// all. Operations that change the sandbox, and the exports that save it, run one at a time in a queue,
// because sql.js can only export between operations; reads go straight to the worker.
import * as Comlink from 'comlink';
import { isWrite } from '$lib/engine/types';
import type { BatchReport, IngestProgress, Sandbox, TemplateName } from '$lib/engine/types';
import type { EngineHost } from '$lib/worker/wire';
import { engineGeneration, withEngine } from './engine';
import { CdpError, toCdpError } from './errors';
import { randomId } from './ids';
import { openSandboxStore, type SandboxMeta, type SandboxStore } from './store';

export type { SandboxMeta };
export type Method = keyof Omit<Sandbox, 'ingest' | 'close'>;
type Host = Comlink.Remote<EngineHost>;

const ACTIVE_KEY = 'pocket-cdp.activeSandbox';
export const DEMO_NAME = 'SecurFinancial demo';

export const TEMPLATES: { id: TemplateName; name: string; description: string }[] = [
  {
    id: 'securfinancial',
    name: 'SecurFinancial (bank)',
    description: 'CRM customers enriched with third-party partner data, plus partner-only prospects.'
  },
  {
    id: 'retail',
    name: 'Retail',
    description: 'Loyalty customers with web and app events, anonymous until they log in.'
  },
  { id: 'empty', name: 'Empty', description: 'Standard identity namespaces only: bring your own schemas.' }
];

export interface IngestRequest {
  onProgress?: (p: IngestProgress) => void;
  signal?: AbortSignal;
  errorThreshold?: number;
  fileName?: string;
  format?: 'csv' | 'json' | 'ndjson';
}

const typedCall = (host: Host) => host.call as unknown as EngineHost['call'];

function readActiveId(): string | null {
  try {
    return localStorage.getItem(ACTIVE_KEY);
  } catch {
    return null;
  }
}
function writeActiveId(id: string): void {
  try {
    localStorage.setItem(ACTIVE_KEY, id);
  } catch {
    // Storage disabled: the active sandbox is simply not remembered across reloads.
  }
}

class SandboxManager {
  list = $state.raw<SandboxMeta[]>([]);
  activeId = $state<string | null>(null);
  status = $state<'starting' | 'ready' | 'failed'>('starting');
  failure = $state.raw<CdpError | null>(null);
  /** What the queue is doing right now, for the top bar ("Opening sandbox…"). */
  activity = $state<string | null>(null);
  saveState = $state<'saved' | 'saving' | 'failed'>('saved');
  saveError = $state<string | null>(null);
  notice = $state<string | null>(null);
  persistent = $state(true);
  /** Goes up whenever the open sandbox changes or is switched: screens reload what they show. */
  version = $state(0);
  /** Operations queued or running; the page warns before unload while this is above zero. */
  pendingWork = $state(0);
  active = $derived(this.list.find((s) => s.id === this.activeId) ?? null);

  #store: Promise<SandboxStore> | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #opening: Promise<unknown> = Promise.resolve();
  #started: Promise<void> | undefined;
  #openId: string | null = null;
  #openGeneration = -1;
  #saveQueued = false;

  /** Opens the remembered sandbox, or creates the demo one on a first visit. Safe to call often. */
  start(): Promise<void> {
    this.#started ??= this.#exclusive('Opening sandbox…', true, async () => {
      const store = await this.#getStore();
      this.persistent = store.persistent;
      const list = await store.list();
      const wanted = readActiveId();
      const chosen = list.find((s) => s.id === wanted) ?? list.at(-1);
      if (!chosen) {
        this.activity = 'Creating the SecurFinancial demo sandbox…';
        await this.#createFromTemplate(DEMO_NAME, 'securfinancial');
      } else {
        try {
          await this.#openSaved(chosen.id);
        } catch (e) {
          this.notice = `Sandbox "${chosen.name}" could not be opened (${toCdpError(e).message}). A new demo sandbox was created instead; you can delete the broken one under Sandboxes.`;
          await this.#createFromTemplate(DEMO_NAME, 'securfinancial');
        }
      }
      this.list = await store.list();
      this.status = 'ready';
    }).catch((e: unknown) => {
      this.status = 'failed';
      this.failure = toCdpError(e);
      this.#started = undefined;
      throw this.failure;
    });
    return this.#started;
  }

  /** A read-only engine call: waits only for a sandbox switch in progress, not for queued writes. */
  async read<T>(use: (host: Host) => Promise<T>): Promise<T> {
    await this.start();
    await this.#opening;
    if (!this.#isOpen()) await this.#exclusive('Reopening sandbox…', true, () => this.#ensureOpen());
    return withEngine(use);
  }

  /** A call that changes the sandbox: queued, then saved. */
  async mutate<T>(label: string | null, use: (host: Host) => Promise<T>): Promise<T> {
    await this.start();
    return this.#exclusive(label, false, async () => {
      await this.#ensureOpen();
      const result = await withEngine(use);
      this.version += 1;
      this.#scheduleSave();
      return result;
    });
  }

  call<K extends Method>(
    method: K,
    ...args: Parameters<Sandbox[K]>
  ): Promise<Awaited<ReturnType<Sandbox[K]>>> {
    const invoke = (host: Host) => typedCall(host)(method, ...args);
    // The engine's own list decides what is saved (SANDBOX_CALLS in engine/types.ts)
    return isWrite(method) ? this.mutate(null, invoke) : this.read(invoke);
  }

  /** Streams a File/Blob (never read here) or text into a dataset; progress and cancel cross to the worker. */
  ingest(dataset: string, input: Blob | string, req: IngestRequest = {}): Promise<BatchReport> {
    const { onProgress, signal, ...opts } = req;
    return this.mutate('Ingesting…', async (host) => {
      if (signal?.aborted) throw new CdpError('cancelled', 'The upload was cancelled before it started.');
      const cancelToken = randomId('cancel');
      // Cancel must not wait in the queue behind the ingest it cancels: it goes straight to the worker.
      const onAbort = () => void withEngine((h) => h.cancel(cancelToken)).catch(() => undefined);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return await host.ingest(dataset, input, {
          ...opts,
          cancelToken,
          ...(onProgress ? { onProgress: Comlink.proxy(onProgress) } : {})
        });
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    });
  }

  create(name: string, template: TemplateName): Promise<SandboxMeta> {
    return this.#exclusive(`Creating sandbox "${name}"…`, true, async () => {
      const meta = await this.#createFromTemplate(name, template);
      await this.#refreshList();
      this.version += 1;
      return meta;
    });
  }

  switchTo(id: string): Promise<void> {
    if (id === this.activeId && this.#isOpen()) return Promise.resolve();
    return this.#exclusive('Switching sandbox…', true, async () => {
      await this.#openSaved(id);
      this.version += 1;
    });
  }

  /** Re-creates a sandbox from its template, keeping its id and name. */
  reset(id: string): Promise<void> {
    return this.#exclusive('Resetting sandbox…', true, async () => {
      const store = await this.#getStore();
      const meta = this.#meta(id);
      await withEngine((h) => h.open({ template: meta.template }));
      this.#openId = null;
      const bytes = await withEngine((h) => typedCall(h)('export'));
      await store.put({ ...meta, updatedAt: new Date().toISOString(), bytes });
      if (id === this.activeId) this.#markOpen(id);
      else if (this.activeId) await this.#openSaved(this.activeId);
      await this.#refreshList();
      this.version += 1;
    });
  }

  remove(id: string): Promise<void> {
    return this.#exclusive('Deleting sandbox…', true, async () => {
      const store = await this.#getStore();
      await store.delete(id);
      const rest = (await store.list()).filter((s) => s.id !== id);
      if (id === this.activeId) {
        const next = [...rest].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
        if (next) await this.#openSaved(next.id);
        else await this.#createFromTemplate(DEMO_NAME, 'securfinancial');
      }
      await this.#refreshList();
      this.version += 1;
    });
  }

  /** The .sqlite bytes of a sandbox: a fresh export of the open one, the saved bytes of any other. */
  exportBytes(id: string): Promise<{ name: string; bytes: Uint8Array }> {
    return this.#exclusive('Exporting…', false, async () => {
      const meta = this.#meta(id);
      if (id === this.#openId && this.#isOpen()) {
        return { name: meta.name, bytes: await withEngine((h) => typedCall(h)('export')) };
      }
      const record = await (await this.#getStore()).get(id);
      if (!record) throw new CdpError('not_found', `Sandbox "${meta.name}" has no saved data.`);
      return { name: meta.name, bytes: record.bytes };
    });
  }

  /** Opens a .sqlite file as a new sandbox (and makes it the active one). */
  async importFile(file: File): Promise<SandboxMeta> {
    await this.start();
    const bytes = new Uint8Array(await file.arrayBuffer());
    const name = file.name.replace(/\.(sqlite3?|db)$/i, '') || 'Imported sandbox';
    return this.#exclusive(`Importing "${file.name}"…`, true, async () => {
      await withEngine((h) => h.open(Comlink.transfer({ bytes }, [bytes.buffer])));
      this.#openId = null;
      let template: TemplateName = 'empty';
      try {
        template = (await withEngine((h) => typedCall(h)('summary'))).template;
      } catch {
        // An older engine without summary(): the sandbox still imports, it just resets to empty.
      }
      const meta = await this.#saveOpenAsNew(name, template);
      await this.#refreshList();
      this.version += 1;
      return meta;
    });
  }

  // ---- internals ----

  #getStore(): Promise<SandboxStore> {
    this.#store ??= openSandboxStore();
    return this.#store;
  }

  #meta(id: string): SandboxMeta {
    const meta = this.list.find((s) => s.id === id);
    if (!meta) throw new CdpError('not_found', 'That sandbox no longer exists.');
    return meta;
  }

  #isOpen(): boolean {
    return (
      this.#openId !== null && this.#openId === this.activeId && this.#openGeneration === engineGeneration()
    );
  }

  #markOpen(id: string): void {
    this.#openId = id;
    this.#openGeneration = engineGeneration();
    this.activeId = id;
    writeActiveId(id);
  }

  async #ensureOpen(): Promise<void> {
    if (this.#isOpen()) return;
    if (!this.activeId) throw new CdpError('no_sandbox', 'No sandbox is open.');
    await this.#openSaved(this.activeId);
  }

  async #openSaved(id: string): Promise<void> {
    const record = await (await this.#getStore()).get(id);
    if (!record) throw new CdpError('not_found', 'That sandbox has no saved data.');
    const { bytes } = record;
    this.#openId = null;
    await withEngine((h) => h.open(Comlink.transfer({ bytes }, [bytes.buffer as ArrayBuffer])));
    this.#markOpen(id);
  }

  async #createFromTemplate(name: string, template: TemplateName): Promise<SandboxMeta> {
    this.#openId = null;
    await withEngine((h) => h.open({ template }));
    return this.#saveOpenAsNew(name, template);
  }

  async #saveOpenAsNew(name: string, template: TemplateName): Promise<SandboxMeta> {
    const bytes = await withEngine((h) => typedCall(h)('export'));
    const now = new Date().toISOString();
    const meta: SandboxMeta = {
      id: randomId('sbx'),
      name,
      template,
      createdAt: now,
      updatedAt: now,
      size: bytes.byteLength
    };
    await (await this.#getStore()).put({ ...meta, bytes });
    this.#markOpen(meta.id);
    return meta;
  }

  async #refreshList(): Promise<void> {
    this.list = await (await this.#getStore()).list();
  }

  #scheduleSave(): void {
    // One queued save covers every change made before it runs.
    if (this.#saveQueued) return;
    this.#saveQueued = true;
    this.saveState = 'saving';
    this.#exclusive(null, false, async () => {
      this.#saveQueued = false;
      await this.#saveNow();
    }).then(
      () => {
        if (!this.#saveQueued) this.saveState = 'saved';
        this.saveError = null;
      },
      (e: unknown) => {
        this.saveState = 'failed';
        this.saveError = toCdpError(e).message;
      }
    );
  }

  async #saveNow(): Promise<void> {
    const id = this.#openId;
    if (!id || this.#openGeneration !== engineGeneration()) return;
    const bytes = await withEngine((h) => typedCall(h)('export'));
    const store = await this.#getStore();
    const meta = this.list.find((s) => s.id === id) ?? (await store.list()).find((s) => s.id === id);
    if (!meta) return;
    await store.put({ ...meta, updatedAt: new Date().toISOString(), bytes });
    await this.#refreshList();
  }

  #exclusive<T>(label: string | null, opens: boolean, fn: () => Promise<T>): Promise<T> {
    this.pendingWork += 1;
    const run = this.#queue.then(async () => {
      if (label) this.activity = label;
      try {
        return await fn();
      } finally {
        if (label) this.activity = null;
      }
    });
    const settled = run.then(
      () => undefined,
      () => undefined
    );
    this.#queue = settled;
    if (opens) this.#opening = settled;
    void settled.then(() => (this.pendingWork -= 1));
    return run;
  }
}

export const sandboxes = new SandboxManager();

/** The typed engine facade every screen uses: `await cdp.call('profile', 'Email', 'x')`. */
export const cdp = {
  call<K extends Method>(
    method: K,
    ...args: Parameters<Sandbox[K]>
  ): Promise<Awaited<ReturnType<Sandbox[K]>>> {
    return sandboxes.call(method, ...args);
  },
  ingest(dataset: string, input: Blob | string, req?: IngestRequest): Promise<BatchReport> {
    return sandboxes.ingest(dataset, input, req);
  }
};
