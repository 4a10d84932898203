// Sandbox management lives on the page side: the engine holds one open sandbox, IndexedDB holds them
// all. Operations that change the sandbox, and the exports that save it, run one at a time in a queue,
// because sql.js can only export between operations; reads go straight to the worker.
// Several tabs may open one sandbox: one is its writer, the others follow it read-only and reload
// after each of its saves (tabs.ts has the locks and messages; the rules are at "writer and followers").
import * as Comlink from 'comlink';
import { isWrite, MAX_SANDBOX_BYTES } from '$lib/engine/types';
import type {
  BatchReport,
  GenerateOptions,
  GenerateReport,
  IngestProgress,
  Sandbox,
  TemplateName
} from '$lib/engine/types';
import type { EngineHost } from '$lib/worker/wire';
import { engineGeneration, onEngineStopped, withEngine } from './engine';
import { CdpError, toCdpError } from './errors';
import { formatCount } from './format';
import { randomId } from './ids';
import { clearChanges, dropChange, noteChange, takeInterrupted, type ChangeNote } from './interrupted';
import { storageFullMessage, storageUse } from './storage.svelte';
import { openSandboxStore, type SandboxMeta, type SandboxRecord, type SandboxStore } from './store';
import {
  askHandover,
  listen,
  post,
  tabId,
  tabLocks,
  type TabEnvelope,
  type TabLocks,
  type WriterLock
} from './tabs';

export type { SandboxMeta };
export type Method = keyof Omit<Sandbox, 'ingest' | 'generateInto' | 'close'>;
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

/**
 * Runs a long engine call that the signal may cancel, under a token of its own. Cancel must not wait in
 * the queue behind the call it cancels: it goes straight to the worker.
 */
async function cancellable<T>(
  signal: AbortSignal | undefined,
  run: (cancelToken: string) => Promise<T>
): Promise<T> {
  const cancelToken = randomId('cancel');
  const onAbort = () => void withEngine((h) => h.cancel(cancelToken)).catch(() => undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await run(cancelToken);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

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

/** How long a take-over waits for the writer tab to acknowledge before taking its lock (a hung tab). */
const HANDOVER_ANSWER_MS = 3000;
/** A writer that said "ready" but whose lock nobody then took (that tab closed) accepts changes again. */
const HANDOVER_ABANDONED_MS = 15_000;

export const READ_ONLY_MESSAGE =
  'This sandbox is open for changes in another tab. This tab follows it: read-only.';

const readOnlyError = () =>
  new CdpError(
    'read_only_tab',
    `${READ_ONLY_MESSAGE} Make the change in that tab, or press "Take over" to make changes in this one.`
  );

/** A follower's pending request for the writer lock of the sandbox it follows. */
interface Waiting {
  sandboxId: string;
  stop: AbortController;
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
  /** 'writer': this tab changes and saves the open sandbox; 'follower': another tab does (tabs.ts). */
  access = $state<'writer' | 'follower'>('writer');
  readOnly = $derived(this.access === 'follower');
  /** A take-over in progress: asking the writer tab, then waiting while it finishes and saves. */
  takeover = $state<'asking' | 'waiting' | null>(null);
  takeoverError = $state.raw<CdpError | null>(null);

  #store: Promise<SandboxStore> | undefined;
  #locks: TabLocks | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #opening: Promise<unknown> = Promise.resolve();
  #started: Promise<void> | undefined;
  #openId: string | null = null;
  #openGeneration = -1;
  #saveQueued = false;
  /** The writer lock of the active sandbox while this tab is its writer. */
  #lock: WriterLock | null = null;
  /** While a follower: the lock request that makes this tab the writer once the writer tab leaves. */
  #waiting: Waiting | null = null;
  /** Set while handing the sandbox over: no new change is accepted, queued ones finish and save. */
  #handingOver: { requests: string[]; ready: boolean } | null = null;
  #takeoverStop: AbortController | null = null;
  /** The saved revision the engine holds (loaded or last saved). */
  #revision = 0;
  /** A change is in the engine that is not in IndexedDB yet. */
  #unsaved = false;
  /** Changes queued or running: they would be lost if another tab took the lock now. */
  #writesQueued = 0;
  /** The engine's change count (host.changes()) in the saved state; null: unknown, so every write saves. */
  #savedChanges: number | null = null;
  /** What stopped the engine, until the reopened sandbox says so. */
  #crash: string | null = null;
  /** The storage-full notice on screen, taken down by the next save that succeeds. */
  #fullNotice: string | null = null;

  constructor() {
    onEngineStopped((cause) => this.#onEngineStopped(cause));
  }

  /** Opens the remembered sandbox, or creates the demo one on a first visit. Safe to call often. */
  start(): Promise<void> {
    this.#started ??= this.#exclusive('Opening sandbox…', true, async () => {
      const store = await this.#getStore();
      await this.#getLocks();
      this.persistent = store.persistent;
      void storageUse.requestPersistence();
      void storageUse.refresh();
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

  /**
   * A call that changes the sandbox: refused in a follower tab, else queued, then saved when it changed
   * anything. `change` says what it is, for the next visit to name should the tab go away first.
   */
  async mutate<T>(
    label: string | null,
    use: (host: Host) => Promise<T>,
    change: ChangeNote = { kind: 'change' }
  ): Promise<T> {
    await this.start();
    this.#refuseUnlessWriter(false);
    this.#writesQueued += 1;
    try {
      return await this.#exclusive(label, false, async () => {
        // The lock may have been taken while this change waited in the queue.
        this.#refuseUnlessWriter(true);
        await this.#ensureOpen();
        const id = this.#openId ?? '';
        const noted = noteChange(id, this.#revision, change);
        let result: T;
        try {
          result = await withEngine(use);
        } catch (e) {
          // A refused write may still have changed something. One the worker died in is gone with
          // it: its note stays for the reopened sandbox to report.
          if (toCdpError(e).code !== 'engine_stopped') await this.#afterWrite(id, noted);
          throw e;
        }
        // The save is scheduled before screens redraw the change (helpers.ts expectSaved relies on it).
        await this.#afterWrite(id, noted);
        this.version += 1;
        return result;
      });
    } finally {
      this.#writesQueued -= 1;
    }
  }

  call<K extends Method>(
    method: K,
    ...args: Parameters<Sandbox[K]>
  ): Promise<Awaited<ReturnType<Sandbox[K]>>> {
    const invoke = (host: Host) => typedCall(host)(method, ...args);
    // The engine's own list decides what is saved (SANDBOX_CALLS in engine/types.ts)
    return isWrite(method) ? this.mutate(null, invoke, { kind: 'change', what: method }) : this.read(invoke);
  }

  /** Streams a File/Blob (never read here) or text into a dataset; progress and cancel cross to the worker. */
  ingest(dataset: string, input: Blob | string, req: IngestRequest = {}): Promise<BatchReport> {
    const { onProgress, signal, ...opts } = req;
    const fileName =
      opts.fileName ?? (typeof File === 'function' && input instanceof File ? input.name : undefined);
    const change: ChangeNote = { kind: 'upload', dataset, ...(fileName ? { fileName } : {}) };
    return this.mutate(
      'Ingesting…',
      async (host) => {
        if (signal?.aborted) throw new CdpError('cancelled', 'The upload was cancelled before it started.');
        return cancellable(signal, (cancelToken) =>
          host.ingest(dataset, input, {
            ...opts,
            cancelToken,
            ...(onProgress ? { onProgress: Comlink.proxy(onProgress) } : {})
          })
        );
      },
      change
    );
  }

  /** Generates records into a dataset in the worker, as one batch; progress and cancel as for ingest. */
  generateInto(
    dataset: string,
    opts: GenerateOptions & Pick<IngestRequest, 'onProgress' | 'signal'>
  ): Promise<GenerateReport> {
    const { onProgress, signal, ...rest } = opts;
    return this.mutate(
      'Generating…',
      async (host) => {
        if (signal?.aborted) throw new CdpError('cancelled', 'Generating was cancelled before it started.');
        return cancellable(signal, (cancelToken) =>
          host.generateInto(dataset, {
            ...rest,
            cancelToken,
            ...(onProgress ? { onProgress: Comlink.proxy(onProgress) } : {})
          })
        );
      },
      { kind: 'generate', dataset }
    );
  }

  /** A new sandbox, open in this tab and written by it (a follower tab may create one too). */
  create(name: string, template: TemplateName): Promise<SandboxMeta> {
    return this.#exclusive(`Creating sandbox "${name}"…`, true, async () => {
      const meta = await this.#createFromTemplate(name, template);
      await this.#refreshList();
      this.version += 1;
      return meta;
    });
  }

  /** Each tab has its own active sandbox; it becomes the writer of it unless another tab is. */
  switchTo(id: string): Promise<void> {
    if (id === this.activeId && this.#isOpen()) return Promise.resolve();
    return this.#exclusive('Switching sandbox…', true, async () => {
      await this.#openSaved(id);
      this.version += 1;
    });
  }

  /** Re-creates a sandbox from its template, keeping its id and name. */
  async reset(id: string): Promise<void> {
    await this.start();
    if (id === this.activeId) this.#refuseUnlessWriter(false);
    return this.#exclusive('Resetting sandbox…', true, async () => {
      const meta = this.#meta(id);
      const borrowed = await this.#lockFor(id, meta.name);
      try {
        await withEngine((h) => h.open({ template: meta.template }));
        this.#openId = null;
        const counted = await this.#readChanges();
        const bytes = await withEngine((h) => typedCall(h)('export'));
        const revision = await this.#put({ ...meta, updatedAt: new Date().toISOString(), bytes });
        clearChanges(id);
        post({ kind: 'saved', sandboxId: id, revision });
        if (id === this.activeId) {
          this.#revision = revision;
          this.#unsaved = false;
          this.#savedChanges = counted;
          this.#markOpen(id);
        }
      } finally {
        borrowed?.release();
      }
      if (id !== this.activeId && this.activeId) await this.#openSaved(this.activeId);
      await this.#refreshList();
      post({ kind: 'list' });
      this.version += 1;
    });
  }

  async remove(id: string): Promise<void> {
    await this.start();
    if (id === this.activeId) this.#refuseUnlessWriter(false);
    return this.#exclusive('Deleting sandbox…', true, async () => {
      const store = await this.#getStore();
      const borrowed = await this.#lockFor(id, this.#meta(id).name);
      try {
        await store.delete(id);
        clearChanges(id);
      } finally {
        borrowed?.release();
      }
      if (id === this.activeId) await this.#openAnother(id);
      await this.#refreshList();
      post({ kind: 'list' });
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
    // Before a byte is read: a file this large would be copied into memory twice just to be refused.
    if (file.size > MAX_SANDBOX_BYTES)
      throw new CdpError(
        'invalid_sandbox',
        `"${file.name}" is ${formatCount(file.size)} bytes; a sandbox file can be at most ${formatCount(MAX_SANDBOX_BYTES)} bytes (1 GiB), because the whole database is held in memory: it was not read.`,
        { size: file.size, limit: MAX_SANDBOX_BYTES }
      );
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

  /**
   * Makes this follower tab the writer. The writer tab is asked to finish its queue, save and stop
   * first, so nothing it was doing is lost; only a tab that does not even acknowledge within
   * HANDOVER_ANSWER_MS (hung or crashed) has its lock taken without that. Errors land in takeoverError.
   */
  async takeOver(): Promise<void> {
    const id = this.activeId;
    if (!id || this.access !== 'follower' || this.takeover) return;
    this.takeover = 'asking';
    this.takeoverError = null;
    const stop = new AbortController();
    this.#takeoverStop = stop;
    try {
      const reply = await askHandover(id, {
        answerMs: HANDOVER_ANSWER_MS,
        onAck: () => (this.takeover = 'waiting'),
        signal: stop.signal
      });
      // Cancelled: the writer tab left meanwhile and this tab's waiting lock request won.
      if (reply.answer === 'cancelled') return;
      if (reply.answer === 'refused')
        throw new CdpError(
          'handover_refused',
          `The other tab could not save its last change (${reply.reason}), so it keeps the sandbox: handing it over now would lose that change.`
        );
      await this.#exclusive('Taking over…', true, async () => {
        if (this.activeId !== id || this.#holds(id)) return;
        const locks = await this.#getLocks();
        this.#stopWaiting();
        this.#adopt(await locks.steal(id));
        if (!(await this.#loadClaimed(id))) return;
        this.version += 1;
        if (reply.answer === 'silent')
          this.notice = `The other tab did not answer within ${HANDOVER_ANSWER_MS / 1000} seconds, so this tab took the sandbox over. Changes that tab had not saved yet are not kept.`;
      });
    } catch (e) {
      this.takeoverError = toCdpError(e);
    } finally {
      this.takeover = null;
      this.#takeoverStop = null;
    }
  }

  // ---- internals ----

  #getStore(): Promise<SandboxStore> {
    this.#store ??= openSandboxStore();
    return this.#store;
  }

  async #getLocks(): Promise<TabLocks> {
    if (this.#locks) return this.#locks;
    const store = await this.#getStore();
    if (!this.#locks) {
      this.#locks = tabLocks(store.persistent);
      if (store.persistent) listen((msg) => this.#onTabMessage(msg));
    }
    return this.#locks;
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

  /** Opens a saved sandbox: as its writer when no other tab is, else as a follower. */
  async #openSaved(id: string): Promise<void> {
    await this.#takeRoleFor(id);
    const store = await this.#getStore();
    const record = this.#holds(id) ? await store.claim(id, tabId) : await store.get(id);
    if (!record) throw new CdpError('not_found', 'That sandbox has no saved data.');
    await this.#openRecord(id, record);
  }

  async #openRecord(id: string, record: SandboxRecord): Promise<void> {
    const { bytes } = record;
    this.#openId = null;
    await withEngine((h) => h.open(Comlink.transfer({ bytes }, [bytes.buffer as ArrayBuffer])));
    this.#revision = record.revision ?? 0;
    this.#unsaved = false;
    this.#savedChanges = await this.#readChanges();
    this.#markOpen(id);
    this.#sayReopened(id);
  }

  /** After a sandbox opened: what the engine's crash or an interrupted change left to say. */
  #sayReopened(id: string): void {
    const said: string[] = [];
    if (this.#crash !== null) {
      said.push(
        `The engine stopped unexpectedly (${this.#crash}) and was restarted; your last saved state was reopened.`
      );
      this.#crash = null;
    }
    // Only as the writer: a follower's writer tab may be running the very change that note names.
    const lost = this.#holds(id) ? takeInterrupted(id, this.#revision) : null;
    if (lost) said.push(lost);
    if (said.length > 0) this.notice = said.join(' ');
  }

  /** The worker died: reopen the saved state now, not at the next call, so the screen says so at once. */
  #onEngineStopped(cause: string): void {
    if (this.#openId === null) return;
    this.#crash = cause;
    this.#exclusive('Restarting the engine…', true, async () => {
      if (!this.#isOpen() && this.activeId) await this.#ensureOpen();
      this.version += 1;
    }).catch((e: unknown) => {
      this.#crash = null;
      this.notice = `The engine stopped unexpectedly (${cause}) and the sandbox could not be reopened: ${toCdpError(e).message}`;
    });
  }

  /** After the active sandbox was deleted (here or in another tab): the newest other one, or a new demo. */
  async #openAnother(goneId: string): Promise<void> {
    const rest = (await (await this.#getStore()).list()).filter((s) => s.id !== goneId);
    const next = [...rest].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
    if (next) await this.#openSaved(next.id);
    else await this.#createFromTemplate(DEMO_NAME, 'securfinancial');
  }

  async #createFromTemplate(name: string, template: TemplateName): Promise<SandboxMeta> {
    this.#openId = null;
    await withEngine((h) => h.open({ template }));
    return this.#saveOpenAsNew(name, template);
  }

  async #saveOpenAsNew(name: string, template: TemplateName): Promise<SandboxMeta> {
    const id = randomId('sbx');
    const lock = await (await this.#getLocks()).tryAcquire(id);
    if (!lock) throw new CdpError('internal', 'Another tab holds the id chosen for the new sandbox.');
    this.#letGo();
    this.#adopt(lock);
    const counted = await this.#readChanges();
    const bytes = await withEngine((h) => typedCall(h)('export'));
    const now = new Date().toISOString();
    const meta: SandboxMeta = { id, name, template, createdAt: now, updatedAt: now, size: bytes.byteLength };
    this.#revision = await this.#put({ ...meta, bytes });
    this.#unsaved = false;
    this.#savedChanges = counted;
    this.#markOpen(meta.id);
    void storageUse.refresh();
    post({ kind: 'list' });
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
        const error = toCdpError(e);
        this.saveState = 'failed';
        // The top bar has room for the gist; the notice says how much is used and what to do.
        if (error.code === 'storage_full') {
          this.saveError = 'storage full';
          this.notice = this.#fullNotice = error.message;
        } else this.saveError = error.message;
      }
    );
  }

  /** Saves through the store; a save refused for quota says how full the storage is and what to do. */
  async #put(record: SandboxRecord): Promise<number> {
    const store = await this.#getStore();
    try {
      return await store.put(record, tabId);
    } catch (e) {
      if (toCdpError(e).code !== 'storage_full') throw e;
      await storageUse.refresh();
      throw new CdpError('storage_full', storageFullMessage(storageUse.usage, storageUse.quota));
    }
  }

  /** The engine's change count now, or null when it cannot tell (then the next write saves). */
  #readChanges(): Promise<number | null> {
    return withEngine((h) => h.changes()).catch(() => null);
  }

  async #changedSinceSave(): Promise<boolean> {
    // A worker that died took the change with it; the save path decides what that means.
    if (this.#savedChanges === null || this.#openGeneration !== engineGeneration()) return true;
    return (await this.#readChanges()) !== this.#savedChanges;
  }

  /** After a write: save when the engine changed anything since the last save; else forget its note. */
  async #afterWrite(id: string, noted: string): Promise<void> {
    if (await this.#changedSinceSave()) {
      this.#unsaved = true;
      this.#scheduleSave();
    } else if (this.#holds(id)) dropChange(id, noted);
  }

  async #saveNow(): Promise<void> {
    const id = this.#openId;
    if (!id || this.#openGeneration !== engineGeneration()) return;
    if (!this.#holds(id))
      throw new CdpError('read_only_tab', 'another tab took this sandbox over, and this tab follows it now.');
    // Counted before the export: a count that runs late can only make one more save, never one fewer.
    const counted = await this.#readChanges();
    const bytes = await withEngine((h) => typedCall(h)('export'));
    const store = await this.#getStore();
    const meta = this.list.find((s) => s.id === id) ?? (await store.list()).find((s) => s.id === id);
    if (!meta) return;
    let revision: number;
    try {
      revision = await this.#put({ ...meta, updatedAt: new Date().toISOString(), bytes });
    } catch (e) {
      // Another tab claimed the sandbox although this one believed it held the lock (it was taken
      // while this tab hung, or the election without Web Locks picked two writers).
      if (toCdpError(e).code === 'save_conflict') this.#becomeFollower(id, true);
      throw e;
    }
    this.#revision = revision;
    this.#unsaved = false;
    this.#savedChanges = counted;
    clearChanges(id);
    if (this.#fullNotice !== null && this.notice === this.#fullNotice) this.notice = null;
    this.#fullNotice = null;
    post({ kind: 'saved', sandboxId: id, revision });
    await this.#refreshList();
    void storageUse.refresh();
  }

  // ---- writer and followers (see tabs.ts) ----

  #holds(id: string): boolean {
    return this.#lock?.held === true && this.#lock.sandboxId === id;
  }

  /** Throws unless this tab may change the active sandbox; `queued`: the change was accepted earlier. */
  #refuseUnlessWriter(queued: boolean): void {
    if (!this.activeId) throw new CdpError('no_sandbox', 'No sandbox is open.');
    if (!this.#holds(this.activeId)) throw readOnlyError();
    if (this.#handingOver && !queued)
      throw new CdpError(
        'read_only_tab',
        'This tab is handing the sandbox over to another tab: make the change there.'
      );
  }

  /** The lock of a sandbox that is not (or is) the active one, for a reset or delete; null when already held. */
  async #lockFor(id: string, name: string): Promise<WriterLock | null> {
    if (this.#holds(id)) return null;
    if (id === this.activeId) throw readOnlyError();
    const lock = await (await this.#getLocks()).tryAcquire(id);
    if (!lock)
      throw new CdpError(
        'read_only_tab',
        `Sandbox "${name}" is open for changes in another tab: reset or delete it there, or close that tab first.`
      );
    await (await this.#getStore()).claim(id, tabId);
    return lock;
  }

  async #takeRoleFor(id: string): Promise<void> {
    if (this.#holds(id) || this.#waiting?.sandboxId === id) return;
    const locks = await this.#getLocks();
    this.#letGo();
    const lock = await locks.tryAcquire(id);
    if (lock) this.#adopt(lock);
    else this.#follow(id);
  }

  /** Leaves the role held on the active sandbox before another one opens (its saves ran before). */
  #letGo(): void {
    this.#lock?.release();
    this.#lock = null;
    this.#handingOver = null;
    this.#stopWaiting();
  }

  #adopt(lock: WriterLock): void {
    this.#lock = lock;
    this.#handingOver = null;
    this.access = 'writer';
    this.takeoverError = null;
    void lock.lost.then(() => this.#onLost(lock));
  }

  #follow(id: string): void {
    this.access = 'follower';
    if (this.#waiting?.sandboxId === id) return;
    this.#stopWaiting();
    const waiting = { sandboxId: id, stop: new AbortController() };
    this.#waiting = waiting;
    void this.#getLocks()
      .then((locks) => locks.waitFor(id, waiting.stop.signal))
      .then(
        (lock) => this.#promoted(lock, waiting),
        () => undefined
      );
  }

  #stopWaiting(): void {
    this.#waiting?.stop.abort();
    this.#waiting = null;
  }

  /** The writer tab closed or switched sandbox: this follower becomes the writer, from the saved state. */
  #promoted(lock: WriterLock, waiting: Waiting): void {
    if (this.#waiting !== waiting || this.activeId !== lock.sandboxId) return lock.release();
    this.#waiting = null;
    this.#takeoverStop?.abort();
    const id = lock.sandboxId;
    this.#exclusive('Opening the sandbox for changes…', true, async () => {
      if (this.activeId !== id) return lock.release();
      if (!lock.held) return this.#follow(id);
      this.#adopt(lock);
      if (await this.#loadClaimed(id)) this.version += 1;
    }).catch((e: unknown) => (this.notice = toCdpError(e).message));
  }

  /** Claims the sandbox as its writer and opens its saved state; false when it was deleted meanwhile. */
  async #loadClaimed(id: string): Promise<boolean> {
    const record = await (await this.#getStore()).claim(id, tabId);
    if (!record) {
      await this.#openAnother(id);
      await this.#refreshList();
      this.version += 1;
      return false;
    }
    await this.#openRecord(id, record);
    this.saveState = 'saved';
    this.saveError = null;
    return true;
  }

  #onLost(lock: WriterLock): void {
    if (lock !== this.#lock) return;
    // Taken after this tab said ready: what it shows is exactly what it saved. Taken before (a request
    // this hung tab only read after the other tab gave up waiting) is a loss like any other.
    if (this.#handingOver?.ready) {
      this.#lock = null;
      this.#handingOver = null;
      this.#follow(lock.sandboxId);
      return;
    }
    this.#becomeFollower(lock.sandboxId, this.#unsaved || this.#writesQueued > 0);
  }

  /** The lock was taken without a handover: follow, and reload the state the new writer has saved. */
  #becomeFollower(id: string, dropped: boolean): void {
    this.#lock?.release();
    this.#lock = null;
    this.#handingOver = null;
    this.#follow(id);
    if (dropped)
      this.notice = `Another tab took over "${this.active?.name ?? 'this sandbox'}" while this tab was not answering. The change this tab had not saved yet was not kept, so that it could not overwrite the other tab's work; this tab now shows the saved state and follows that tab, read-only.`;
    this.#exclusive(null, true, () => this.#reloadFollowed(id)).catch(
      (e: unknown) => (this.notice = toCdpError(e).message)
    );
  }

  /** Reopens the followed sandbox from IndexedDB when it holds a newer save than this tab shows. */
  async #reloadFollowed(id: string, revision?: number): Promise<void> {
    if (this.activeId !== id || this.#holds(id)) return;
    if (revision !== undefined && revision <= this.#revision && this.#isOpen()) return;
    const record = await (await this.#getStore()).get(id);
    if (!record) await this.#openAnother(id);
    else await this.#openRecord(id, record);
    this.saveState = 'saved';
    this.saveError = null;
    await this.#refreshList();
    this.version += 1;
  }

  #onTabMessage(msg: TabEnvelope): void {
    const quietly = (p: Promise<unknown>) => p.catch(() => undefined);
    if (msg.kind === 'saved') {
      if (msg.sandboxId === this.activeId && !this.#holds(msg.sandboxId) && msg.revision > this.#revision)
        void quietly(this.#exclusive(null, true, () => this.#reloadFollowed(msg.sandboxId, msg.revision)));
      else void quietly(this.#refreshList());
    } else if (msg.kind === 'list') {
      void quietly(
        this.#exclusive(null, true, async () => {
          await this.#refreshList();
          const gone = this.activeId;
          if (!gone || this.list.some((s) => s.id === gone)) return;
          await this.#openAnother(gone);
          await this.#refreshList();
          this.version += 1;
        })
      );
    } else if (msg.kind === 'handover' && msg.sandboxId === this.activeId && this.#holds(msg.sandboxId)) {
      this.#handOver(msg.requestId);
    }
  }

  /** Another tab asks for the sandbox: stop taking changes, let queued ones finish and save, say ready. */
  #handOver(requestId: string): void {
    post({ kind: 'handover-ack', requestId });
    if (this.#handingOver) {
      this.#handingOver.requests.push(requestId);
      if (this.#handingOver.ready) post({ kind: 'handover-ready', requestId });
      return;
    }
    const handover = { requests: [requestId], ready: false };
    this.#handingOver = handover;
    const lock = this.#lock;
    this.#exclusive('Handing over to another tab…', false, async () => {
      if (this.#unsaved) await this.#saveNow();
    }).then(
      () => {
        if (this.#handingOver !== handover) return;
        handover.ready = true;
        for (const r of handover.requests) post({ kind: 'handover-ready', requestId: r });
        setTimeout(() => {
          if (this.#handingOver === handover && this.#lock === lock && lock?.held) this.#handingOver = null;
        }, HANDOVER_ABANDONED_MS);
      },
      (e: unknown) => {
        if (this.#handingOver === handover) this.#handingOver = null;
        const reason = toCdpError(e).message;
        for (const r of handover.requests) post({ kind: 'handover-refused', requestId: r, reason });
      }
    );
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
  },
  generateInto(
    dataset: string,
    opts: GenerateOptions & Pick<IngestRequest, 'onProgress' | 'signal'>
  ): Promise<GenerateReport> {
    return sandboxes.generateInto(dataset, opts);
  }
};
