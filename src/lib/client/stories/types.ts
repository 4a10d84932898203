// The guided stories (presenter mode) as data: each step says what to show and why, links to the
// screen that shows it, and has checks that light once the sandbox (or the screen) is in that step's
// state. Checks only read: engine calls through `call`, and the current URL.
import type { ResolvedPathname } from '$app/types';
import type { Sandbox, TemplateName } from '$lib/engine/types';
import type { Method } from '$lib/client/sandboxes.svelte';

/** cdp.call's shape; the unit tests pass the engine's own methods. */
export type Call = <K extends Method>(
  method: K,
  ...args: Parameters<Sandbox[K]>
) => Promise<Awaited<ReturnType<Sandbox[K]>>>;

export type StoryId = 'partner' | 'universal';

/** Someone a story shows, found in the sandbox when the steps are drawn (see Story.cast). */
export interface Person {
  name: string;
  email: string;
  crmId?: string;
  /** The ECID cookie a visitor browsed with before logging in */
  cookie?: string;
}

/** The people of a story, by role; a role is absent when the sandbox has nobody for it. */
export type Cast = Partial<Record<string, Person>>;

export interface CheckContext {
  call: Call;
  /** The page the presenter is on */
  url: URL;
  cast: Cast;
}

export interface StepCheck {
  /** What is true once it lights, e.g. "The partner file is ingested" */
  label: string;
  run(ctx: CheckContext): Promise<boolean>;
  /**
   * Reads the screen (the URL) rather than only the sandbox, so it runs again on every navigation; it
   * stays lit once it has lit, until the story starts again: it is about what the presenter did ("You
   * opened Bobby Brown's profile" stays true on the next screen).
   */
  sticky?: boolean;
}

/** A link that takes the app to the screen (and the object) the step talks about. */
export interface StepLink {
  label: string;
  /** From href() and its helpers in $lib/client/links */
  href: ResolvedPathname;
}

export interface StoryStep {
  title: string;
  /** What to show and why, in two or three short sentences a trainee can follow alone */
  text: string;
  links(cast: Cast): StepLink[];
  /** The step is done when every check lights */
  checks: StepCheck[];
}

export interface Story {
  id: StoryId;
  title: string;
  template: TemplateName;
  /** The template's title, e.g. "SecurFinancial" */
  templateTitle: string;
  /** The name of a sandbox the story creates */
  sandboxName: string;
  /** Two sentences for the overview */
  summary: string;
  /** The overview's button, e.g. "Start the partner enrichment story" */
  startLabel: string;
  /** Finds the story's people in the open sandbox (names the template's sample chose) */
  cast(call: Call): Promise<Cast>;
  steps: StoryStep[];
}

/** What the checks found: per step, each check's label and whether it lit. */
export interface StepState {
  checks: { label: string; done: boolean }[];
  done: boolean;
}
