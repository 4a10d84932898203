// Tabs of this browser that open the same sandbox. Each tab runs its own engine over its own copy of
// the sandbox and saves the whole database, so two tabs changing one sandbox would overwrite each
// other's saves. One tab at a time is the writer of a sandbox: it holds that sandbox's writer lock.
// Every other tab on it follows: it is read-only and reloads the saved state when the writer says it
// saved. This module is the plumbing (a lock per sandbox id, one BroadcastChannel); the sandbox
// manager decides what each message means.
import { randomId } from './ids';

/** This tab, in messages and in the `writer` claim of a saved sandbox. */
export const tabId = randomId('tab');

export type TabMessage =
  /** The writer committed a save of this sandbox to IndexedDB. */
  | { kind: 'saved'; sandboxId: string; revision: number }
  /** Sandboxes were created, deleted, reset or imported. */
  | { kind: 'list' }
  /** A follower asks the writer to finish its queue, save and let it take the sandbox over. */
  | { kind: 'handover'; sandboxId: string; requestId: string }
  /** The writer heard the request and is finishing its work. */
  | { kind: 'handover-ack'; requestId: string }
  /** The writer saved everything and accepts no more changes: the lock may be taken. */
  | { kind: 'handover-ready'; requestId: string }
  /** The writer could not save its last change, so it keeps the sandbox (handing over would lose it). */
  | { kind: 'handover-refused'; requestId: string; reason: string }
  // Only used by the election that replaces Web Locks where they are missing:
  | { kind: 'lock-ask'; sandboxId: string; requestId: string }
  | { kind: 'lock-held'; sandboxId: string; requestId: string }
  | { kind: 'lock-released'; sandboxId: string }
  | { kind: 'lock-steal'; sandboxId: string };

export type TabEnvelope = TabMessage & { from: string };

const CHANNEL = 'pocket-cdp.tabs';
let channel: BroadcastChannel | null | undefined;
const handlers = new Set<(msg: TabEnvelope) => void>();

function getChannel(): BroadcastChannel | null {
  if (channel !== undefined) return channel;
  channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null;
  channel?.addEventListener('message', (ev: MessageEvent<TabEnvelope>) => {
    for (const handler of [...handlers]) handler(ev.data);
  });
  return channel;
}

/** True when other tabs can be told anything at all. */
export const canTalkToTabs = (): boolean => getChannel() !== null;

/** Tells every other tab of this origin (a tab never hears its own messages). */
export function post(msg: TabMessage): void {
  getChannel()?.postMessage({ ...msg, from: tabId } satisfies TabEnvelope);
}

/** Calls `handler` for each message from another tab until the returned function is called. */
export function listen(handler: (msg: TabEnvelope) => void): () => void {
  getChannel();
  handlers.add(handler);
  return () => handlers.delete(handler);
}

/** Resolves with the first message `match` accepts, or null after `ms`. */
function nextMessage(match: (msg: TabEnvelope) => boolean, ms: number): Promise<TabEnvelope | null> {
  return new Promise((resolve) => {
    const stop = listen((msg) => {
      if (!match(msg)) return;
      clearTimeout(timer);
      stop();
      resolve(msg);
    });
    const timer = setTimeout(() => {
      stop();
      resolve(null);
    }, ms);
  });
}

export type HandoverAnswer =
  | { answer: 'ready' }
  | { answer: 'silent' }
  | { answer: 'refused'; reason: string }
  | { answer: 'cancelled' };

/**
 * Asks the writer of a sandbox to hand it over. A writer that is alive acknowledges at once and then
 * answers when its queue is done and saved, however long an upload takes; 'silent' means nobody
 * acknowledged within `answerMs` (the writer tab hung, crashed, or there is none).
 */
export function askHandover(
  sandboxId: string,
  opts: { answerMs: number; onAck: () => void; signal: AbortSignal }
): Promise<HandoverAnswer> {
  const requestId = randomId('handover');
  return new Promise((resolve) => {
    const finish = (answer: HandoverAnswer) => {
      clearTimeout(timer);
      stop();
      opts.signal.removeEventListener('abort', cancel);
      resolve(answer);
    };
    const cancel = () => finish({ answer: 'cancelled' });
    const stop = listen((msg) => {
      if (!('requestId' in msg) || msg.requestId !== requestId) return;
      if (msg.kind === 'handover-ack') {
        clearTimeout(timer);
        opts.onAck();
      } else if (msg.kind === 'handover-ready') finish({ answer: 'ready' });
      else if (msg.kind === 'handover-refused') finish({ answer: 'refused', reason: msg.reason });
    });
    const timer = setTimeout(() => finish({ answer: 'silent' }), opts.answerMs);
    opts.signal.addEventListener('abort', cancel, { once: true });
    post({ kind: 'handover', sandboxId, requestId });
  });
}

// ---- writer locks ----

export interface WriterLock {
  readonly sandboxId: string;
  /** False once released by this tab or taken by another. */
  readonly held: boolean;
  /** Resolves when another tab took the lock while this one still held it. */
  readonly lost: Promise<void>;
  release(): void;
}

export interface TabLocks {
  readonly kind: 'web-locks' | 'broadcast-election' | 'this-tab-only';
  /** The lock if no other tab holds it, else null. */
  tryAcquire(sandboxId: string): Promise<WriterLock | null>;
  /** Takes the lock whoever holds it: the holder's `lost` resolves. */
  steal(sandboxId: string): Promise<WriterLock>;
  /** Waits until no other tab holds the lock (it closed or switched sandbox), then holds it. */
  waitFor(sandboxId: string, signal: AbortSignal): Promise<WriterLock>;
}

class HeldLock implements WriterLock {
  held = true;
  readonly lost: Promise<void>;
  #markLost!: () => void;
  /** `onRelease`: give the lock back; `onEnd`: after it ended either way (released or taken). */
  constructor(
    readonly sandboxId: string,
    private onRelease: () => void,
    private onEnd: () => void = () => undefined
  ) {
    this.lost = new Promise((resolve) => (this.#markLost = resolve));
  }
  release(): void {
    if (!this.held) return;
    this.held = false;
    this.onEnd();
    this.onRelease();
  }
  /** The lock ended without release(): another tab has it now. */
  takenAway(): void {
    if (!this.held) return;
    this.held = false;
    this.onEnd();
    this.#markLost();
  }
}

const lockName = (sandboxId: string) => `pocket-cdp.sandbox.${sandboxId}`;

/** The real thing: the browser grants a lock to one tab, frees it when that tab closes or crashes. */
class WebLocks implements TabLocks {
  readonly kind = 'web-locks';
  constructor(private locks: LockManager) {}

  tryAcquire(sandboxId: string) {
    return this.#request(sandboxId, { ifAvailable: true });
  }
  async steal(sandboxId: string) {
    return (await this.#request(sandboxId, { steal: true })) as WriterLock;
  }
  async waitFor(sandboxId: string, signal: AbortSignal) {
    return (await this.#request(sandboxId, { signal })) as WriterLock;
  }

  #request(sandboxId: string, options: LockOptions): Promise<WriterLock | null> {
    return new Promise((resolve, reject) => {
      let held: HeldLock | null = null;
      // The lock stays held while the callback's promise is pending; release() settles it.
      this.locks
        .request(lockName(sandboxId), options, (lock) => {
          if (!lock) return resolve(null);
          return new Promise<void>((done) => {
            held = new HeldLock(sandboxId, done);
            resolve(held);
          });
        })
        .then(
          () => held?.takenAway(),
          // Stolen while held (AbortError), or aborted while still waiting (then nothing was held).
          (e: unknown) => (held ? held.takenAway() : reject(e instanceof Error ? e : new Error(String(e))))
        );
    });
  }
}

/** How long a tab waits for a holder to answer before it takes a lock, without Web Locks. */
const ELECTION_MS = 400;

/**
 * Where navigator.locks is missing (a plain-http LAN address is not a secure context), tabs elect a
 * writer over the BroadcastChannel instead: a tab asks who holds a sandbox and takes it when nobody
 * answers; two tabs asking at once give way to the smaller tab id. A tab that closes says so, and
 * waiting tabs ask again. This is weaker than Web Locks (a crashed writer is only replaced by Take
 * over, and a tab that misses the answer may take the lock too), so it is never what keeps data safe:
 * the writer claim checked inside each IndexedDB save is (see store.ts), and a tab whose save is
 * refused becomes a follower and says so.
 */
class ElectionLocks implements TabLocks {
  readonly kind = 'broadcast-election';
  #held = new Map<string, HeldLock>();

  constructor() {
    listen((msg) => {
      if (msg.kind === 'lock-ask' && this.#held.has(msg.sandboxId))
        post({ kind: 'lock-held', sandboxId: msg.sandboxId, requestId: msg.requestId });
      else if (msg.kind === 'lock-steal') this.#held.get(msg.sandboxId)?.takenAway();
    });
    // A page that leaves gives its locks up; should it come back from the back-forward cache, it
    // finds them taken (a follower that reloads the saved state), not held behind other tabs' backs.
    addEventListener('pagehide', () => {
      for (const lock of [...this.#held.values()]) {
        post({ kind: 'lock-released', sandboxId: lock.sandboxId });
        lock.takenAway();
      }
    });
  }

  async tryAcquire(sandboxId: string) {
    const requestId = randomId('ask');
    const answer = nextMessage(
      (msg) =>
        (msg.kind === 'lock-held' && msg.requestId === requestId) ||
        (msg.kind === 'lock-ask' && msg.sandboxId === sandboxId && msg.from < tabId),
      ELECTION_MS
    );
    post({ kind: 'lock-ask', sandboxId, requestId });
    if (await answer) return null;
    return this.#hold(sandboxId);
  }

  steal(sandboxId: string) {
    post({ kind: 'lock-steal', sandboxId });
    return Promise.resolve(this.#hold(sandboxId));
  }

  async waitFor(sandboxId: string, signal: AbortSignal) {
    for (;;) {
      await new Promise<void>((resolve, reject) => {
        const stop = listen((msg) => {
          if (msg.kind !== 'lock-released' || msg.sandboxId !== sandboxId) return;
          stop();
          resolve();
        });
        signal.addEventListener(
          'abort',
          () => {
            stop();
            reject(new DOMException('Stopped waiting for the sandbox', 'AbortError'));
          },
          { once: true }
        );
      });
      const lock = await this.tryAcquire(sandboxId);
      if (signal.aborted) {
        lock?.release();
        throw new DOMException('Stopped waiting for the sandbox', 'AbortError');
      }
      if (lock) return lock;
    }
  }

  #hold(sandboxId: string): WriterLock {
    this.#held.get(sandboxId)?.takenAway();
    const lock: HeldLock = new HeldLock(
      sandboxId,
      () => post({ kind: 'lock-released', sandboxId }),
      () => {
        if (this.#held.get(sandboxId) === lock) this.#held.delete(sandboxId);
      }
    );
    this.#held.set(sandboxId, lock);
    return lock;
  }
}

/** No other tab can see this tab's sandboxes (they live in memory only): every lock is granted. */
class ThisTabOnly implements TabLocks {
  readonly kind = 'this-tab-only';
  tryAcquire(sandboxId: string) {
    return Promise.resolve<WriterLock>(new HeldLock(sandboxId, () => undefined));
  }
  steal(sandboxId: string) {
    return Promise.resolve<WriterLock>(new HeldLock(sandboxId, () => undefined));
  }
  waitFor(_sandboxId: string, signal: AbortSignal) {
    return new Promise<WriterLock>((_, reject) =>
      signal.addEventListener('abort', () => reject(new DOMException('Stopped', 'AbortError')), {
        once: true
      })
    );
  }
}

/** The best lock this page can have; `shared` is false when sandboxes are not stored where tabs share them. */
export function tabLocks(shared: boolean): TabLocks {
  if (!shared) return new ThisTabOnly();
  if (typeof navigator !== 'undefined' && navigator.locks) return new WebLocks(navigator.locks);
  if (canTalkToTabs()) return new ElectionLocks();
  // Neither locks nor a channel (no browser Pocket CDP supports): each tab writes, and the writer
  // claim in IndexedDB still refuses a save over another tab's newer one.
  return new ThisTabOnly();
}
