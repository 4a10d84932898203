// Changes that may not survive the tab: written down before each write runs, cleared once a save holds
// it. A note left when the page is opened again means the tab went away (reload, close, crash) before
// that change was saved, so the next visit can say what of it was lost. One note per sandbox, in
// localStorage (shared by the tabs of this browser); only the writer tab of a sandbox writes or reads
// it, since a follower's writer may be running the very change the note names (see tabs.ts).

export type ChangeNote =
  | { kind: 'upload'; dataset: string; fileName?: string }
  | { kind: 'generate'; dataset: string }
  /** Any other write: `what` is its call ("createAudience") or the queue's label. */
  | { kind: 'change'; what?: string };

interface Noted {
  /** The saved revision the changes were made on: a later save holds them, or overwrote them. */
  revision: number;
  changes: (ChangeNote & { id: string })[];
}

const KEY = 'pocket-cdp.unsaved.';
let counter = 0;

function read(sandboxId: string): Noted | null {
  try {
    const raw = localStorage.getItem(KEY + sandboxId);
    if (!raw) return null;
    const noted = JSON.parse(raw) as Noted;
    return typeof noted.revision === 'number' && Array.isArray(noted.changes) ? noted : null;
  } catch {
    return null;
  }
}

function write(sandboxId: string, noted: Noted | null): void {
  try {
    if (noted && noted.changes.length > 0) localStorage.setItem(KEY + sandboxId, JSON.stringify(noted));
    else localStorage.removeItem(KEY + sandboxId);
  } catch {
    // Storage disabled or full: the next visit cannot say what was lost, and nothing else depends on it.
  }
}

/** Notes a change about to run on the saved revision `revision`; returns its id for dropChange. */
export function noteChange(sandboxId: string, revision: number, change: ChangeNote): string {
  const id = `c${Date.now().toString(36)}-${(counter += 1)}`;
  const noted = read(sandboxId);
  const changes = noted?.revision === revision ? noted.changes : [];
  write(sandboxId, { revision, changes: [...changes, { ...change, id }] });
  return id;
}

/** The change finished without changing anything: there is nothing of it to lose. */
export function dropChange(sandboxId: string, id: string): void {
  const noted = read(sandboxId);
  if (noted) write(sandboxId, { ...noted, changes: noted.changes.filter((c) => c.id !== id) });
}

/** A save now holds every change made so far (or the sandbox is gone or was reset). */
export function clearChanges(sandboxId: string): void {
  write(sandboxId, null);
}

/**
 * What a note left for this sandbox says was lost, or null, and the note is removed. A note made on
 * an older revision than the saved one was saved after all (the tab went away between the save and
 * clearing the note), or another tab's save replaced it: nothing to report.
 */
export function takeInterrupted(sandboxId: string, savedRevision: number): string | null {
  const noted = read(sandboxId);
  if (!noted) return null;
  clearChanges(sandboxId);
  if (noted.revision !== savedRevision || noted.changes.length === 0) return null;
  return describeInterrupted(noted.changes);
}

const words = (call: string) => call.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

function oneChange(change: ChangeNote): string {
  switch (change.kind) {
    case 'upload':
      return change.fileName
        ? `The upload of ${change.fileName} into "${change.dataset}" was interrupted; nothing of it was kept.`
        : `An upload into "${change.dataset}" was interrupted; nothing of it was kept.`;
    case 'generate':
      return `Generating records into "${change.dataset}" was interrupted; none of them were kept.`;
    case 'change':
      return change.what
        ? `The change "${words(change.what)}" was interrupted before it was saved; it was not kept.`
        : 'The last change was interrupted before it was saved; it was not kept.';
  }
}

/** The last change noted (the one running when the tab went away), and how many unsaved ones before it. */
export function describeInterrupted(changes: ChangeNote[]): string {
  const last = changes.at(-1);
  if (!last) return '';
  const earlier = changes.length - 1;
  if (earlier === 0) return oneChange(last);
  return `${oneChange(last)} ${earlier === 1 ? 'The change' : `The ${earlier} changes`} made just before it ${earlier === 1 ? 'was' : 'were'} not saved either.`;
}
