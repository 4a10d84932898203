// The two guided stories and the one function that lights their checks. The panel runs it after every
// change to the sandbox and on every navigation (components/guide/GuidePanel.svelte).
import { runCheck } from './checks';
import { partnerStory } from './partner';
import { universalStory } from './universal';
import type { Call, Cast, StepCheck, Story, StepState, StoryId } from './types';

export type * from './types';

export const STORIES: readonly Story[] = [partnerStory, universalStory];

export const storyById = (id: string | null | undefined): Story | undefined =>
  STORIES.find((s) => s.id === id);

export const isStoryId = (id: unknown): id is StoryId => STORIES.some((s) => s.id === id);

export interface StoryState {
  cast: Cast;
  steps: StepState[];
}

/** The story's people in the open sandbox; none when they cannot be found (another template). */
export async function findCast(story: Story, call: Call): Promise<Cast> {
  try {
    return await story.cast(call);
  } catch {
    return {};
  }
}

/**
 * Runs the checks of every step (an error is a check not lit), with the people found unless given.
 * `only` runs some of them: the others are reported not lit. The panel runs the checks of the sandbox
 * after each change and those of the screen (sticky ones) after each navigation, which is cheap.
 */
export async function evaluateStory(
  story: Story,
  call: Call,
  url: URL,
  opts: { cast?: Cast; only?: (check: StepCheck) => boolean } = {}
): Promise<StoryState> {
  const cast = opts.cast ?? (await findCast(story, call));
  const ctx = { call, url, cast };
  const steps = await Promise.all(
    story.steps.map(async (step) => {
      const checks = await Promise.all(
        step.checks.map(async (c) => ({
          label: c.label,
          done: !opts.only || opts.only(c) ? await runCheck(c, ctx) : false
        }))
      );
      return { checks, done: checks.every((c) => c.done) };
    })
  );
  return { cast, steps };
}
