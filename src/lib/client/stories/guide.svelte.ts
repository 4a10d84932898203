// The presenter panel's state: whether it is open, which story, which step. Kept in sessionStorage, so
// it survives navigation and reloads in this tab (a new tab starts closed); `?story=partner&step=3` on
// any URL opens a story at a step, for a link handed to trainees.
import { sandboxes, type SandboxMeta } from '$lib/client/sandboxes.svelte';
import { toCdpError, type CdpError } from '$lib/client/errors';
import { isStoryId, storyById, type Story, type StoryId } from './index';

const KEY = 'pocket-cdp.guide';

interface Saved {
  open: boolean;
  story: StoryId | null;
  step: number;
  seen: string[];
  visited: number[];
}

/** How a story gets its sandbox: the open one, another one of its template, or a new one. */
export type StorySandbox =
  { kind: 'open'; sandbox: SandboxMeta } | { kind: 'switch'; sandbox: SandboxMeta } | { kind: 'create' };

export function sandboxFor(story: Story): StorySandbox {
  const active = sandboxes.active;
  if (active?.template === story.template) return { kind: 'open', sandbox: active };
  const newest = sandboxes.list
    .filter((s) => s.template === story.template)
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
  return newest ? { kind: 'switch', sandbox: newest } : { kind: 'create' };
}

class Guide {
  open = $state(false);
  storyId = $state<StoryId | null>(null);
  step = $state(0);
  story = $derived(storyById(this.storyId));
  /** What is being done to get a story's sandbox ready, while it is done */
  preparing = $state<string | null>(null);
  error = $state.raw<CdpError | null>(null);
  /** The sticky checks that have lit since the story started (keys from seenKey) */
  seen = $state<string[]>([]);
  /**
   * The steps shown since the story started: only those count as done in the step list, so a step
   * whose state the template already holds is not ticked before the presenter gets to it
   */
  visited = $state<number[]>([]);
  /** Goes up when the presenter opens the panel: it takes the focus then (not when a reload reopens it) */
  focusRequest = $state(0);

  /** Reads the saved state, then a story in the URL (which wins). Returns true when the URL had one. */
  restore(url: URL): boolean {
    try {
      const saved = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Partial<Saved> | null;
      if (saved) {
        this.storyId = isStoryId(saved.story) ? saved.story : null;
        this.step = this.#clamp(Number(saved.step) || 0);
        this.open = saved.open === true;
        this.seen = Array.isArray(saved.seen) ? saved.seen.filter((k) => typeof k === 'string') : [];
        this.visited = Array.isArray(saved.visited)
          ? saved.visited.filter((i) => Number.isInteger(i))
          : [this.step];
      }
    } catch {
      // Storage disabled or a value from another version: start closed.
    }
    const wanted = url.searchParams.get('story');
    if (!isStoryId(wanted)) return false;
    this.show(wanted, Number(url.searchParams.get('step') ?? '1') - 1, false);
    return true;
  }

  /** Opens the panel on a story's step (the first by default). */
  show(id: StoryId, step = 0, focus = true): void {
    if (id !== this.storyId) {
      this.seen = [];
      this.visited = [];
    }
    this.storyId = id;
    this.step = this.#clamp(step);
    this.#visit();
    if (focus && !this.open) this.focusRequest += 1;
    this.open = true;
    this.#save();
  }

  /** Keeps a sticky check lit (see StepCheck.sticky). */
  remember(key: string): void {
    if (this.seen.includes(key)) return;
    this.seen = [...this.seen, key];
    this.#save();
  }

  toggle(): void {
    this.open = !this.open;
    if (this.open) this.focusRequest += 1;
    this.#save();
  }

  close(): void {
    this.open = false;
    this.#save();
  }

  /** Back to the list of stories. */
  chooseAnother(): void {
    this.storyId = null;
    this.step = 0;
    this.error = null;
    this.#save();
  }

  go(step: number): void {
    this.step = this.#clamp(step);
    this.#visit();
    this.#save();
  }

  #visit(): void {
    if (!this.visited.includes(this.step)) this.visited = [...this.visited, this.step];
  }

  next(): void {
    this.go(this.step + 1);
  }

  previous(): void {
    this.go(this.step - 1);
  }

  /**
   * Opens a story on a sandbox of its template: the open one as it is, else the newest one of that
   * template (switched to), else a new one. Nothing is wiped.
   */
  start(id: StoryId): Promise<boolean> {
    return this.#prepare(id, async (story) => {
      const target = sandboxFor(story);
      if (target.kind === 'switch') {
        this.preparing = `Opening "${target.sandbox.name}"…`;
        await sandboxes.switchTo(target.sandbox.id);
      } else if (target.kind === 'create') {
        this.preparing = `Creating "${story.sandboxName}"…`;
        await sandboxes.create(story.sandboxName, story.template);
      }
    });
  }

  /**
   * Back to the story's start: the open sandbox re-created from its template (the same sample, so the
   * same people), or, when the open sandbox is of another template, a new one of the story's.
   */
  reset(id: StoryId): Promise<boolean> {
    return this.#prepare(id, async (story) => {
      const active = sandboxes.active;
      if (active?.template === story.template) {
        this.preparing = `Resetting "${active.name}"…`;
        await sandboxes.reset(active.id);
      } else {
        this.preparing = `Creating "${story.sandboxName}"…`;
        await sandboxes.create(story.sandboxName, story.template);
      }
    });
  }

  async #prepare(id: StoryId, ready: (story: Story) => Promise<void>): Promise<boolean> {
    const story = storyById(id);
    if (!story || this.preparing) return false;
    this.error = null;
    this.show(id, 0);
    this.seen = [];
    this.visited = [0];
    try {
      await sandboxes.start();
      await ready(story);
      return true;
    } catch (e) {
      this.error = toCdpError(e);
      return false;
    } finally {
      this.preparing = null;
    }
  }

  #clamp(step: number): number {
    const last = (this.story?.steps.length ?? 1) - 1;
    return Math.max(0, Math.min(last, Math.trunc(step) || 0));
  }

  #save(): void {
    try {
      const saved: Saved = {
        open: this.open,
        story: this.storyId,
        step: this.step,
        seen: this.seen,
        visited: this.visited
      };
      sessionStorage.setItem(KEY, JSON.stringify(saved));
    } catch {
      // Storage disabled: the panel just starts closed after a reload.
    }
  }
}

export const guide = new Guide();

/** A sticky check, on one sandbox: what it did on another does not count here. */
export const seenKey = (sandboxId: string | null, story: StoryId, step: number, label: string): string =>
  JSON.stringify([sandboxId, story, step, label]);
