// The scheduler that runs saved activations while the app is open: one at a time, only in the writer
// tab, errors kept and a failed flow backed off.
/* eslint-disable @typescript-eslint/require-await, @typescript-eslint/only-throw-error --
   Fake engine calls: async like the real ones, and failing with the plain { code, message } data that
   engine errors are once they have crossed the worker boundary. */
import { expect, test, vi } from 'vitest';
import { FlowScheduler, nextRunText, type SchedulerDeps } from '../../src/lib/client/flowScheduler.svelte';
import type { ActivationFlow } from '../../src/lib/engine/types';

const flow = (id: string, next: string | null): ActivationFlow => ({
  id,
  destination: 'facebook',
  audiences: ['A'],
  identities: ['Email'],
  mode: 'full',
  everyMinutes: 5,
  createdAt: '2026-01-01T00:00:00Z',
  lastRunAt: null,
  nextRunAt: next
});

function deps(over: Partial<SchedulerDeps> = {}) {
  let active = 0;
  let maxActive = 0;
  const ran: string[] = [];
  const d: SchedulerDeps = {
    canRun: async () => true,
    flows: async () => [
      flow('a', '2026-01-01T00:00:00Z'),
      flow('b', '2026-01-01T00:10:00Z'),
      flow('c', null),
      flow('d', '2025-12-31T00:00:00Z')
    ],
    run: async (id) => {
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
      ran.push(id);
      if (id === 'd') throw { code: 'not_found', message: 'gone' };
      return { flow: flow(id, null), results: [] };
    },
    runIfDue: (id) => d.run(id),
    now: () => Date.parse('2026-01-01T00:05:00Z'),
    ...over
  };
  return { d, ran, max: () => maxActive };
}

test('runs due flows one at a time, keeps errors, backs off a failed one', async () => {
  const { d, ran, max } = deps();
  const s = new FlowScheduler(d);
  const [n1, n2] = await Promise.all([s.tick(), s.tick()]);
  expect(ran).toEqual(['a', 'd', 'a']); // second tick: d is backed off
  expect(n1 + n2).toBe(2);
  expect(max()).toBe(1);
  expect(s.lastError).toBeNull(); // the later success clears it
  expect(s.running).toBeNull();
});

test('keeps the error when the last run failed', async () => {
  const { d } = deps({ flows: async () => [flow('d', '2025-01-01T00:00:00Z')] });
  const s = new FlowScheduler(d);
  expect(await s.tick()).toBe(0);
  expect(s.lastError?.flow).toBe('d');
  expect(s.lastError?.error.code).toBe('not_found');
});

test('skips a follower tab and read_only_tab quietly', async () => {
  const run = vi.fn();
  const s = new FlowScheduler({ ...deps().d, canRun: async () => false, run });
  expect(await s.tick()).toBe(0);
  expect(run).not.toHaveBeenCalled();
  const s2 = new FlowScheduler({
    ...deps().d,
    runIfDue: async () => {
      throw { code: 'read_only_tab', message: 'x' };
    }
  });
  expect(await s2.tick()).toBe(0);
  expect(s2.lastError).toBeNull();
});

test('runNow waits for a tick in progress and throws its errors', async () => {
  const { d, ran, max } = deps();
  const s = new FlowScheduler(d);
  const t = s.tick();
  const r = s.runNow('b');
  await t;
  expect((await r).flow.id).toBe('b');
  expect(ran.at(-1)).toBe('b');
  expect(max()).toBe(1);
  await expect(s.runNow('d')).rejects.toMatchObject({ code: 'not_found' });
});

test('next run text', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  expect(nextRunText(null, now)).toBe('—');
  expect(nextRunText('2025-12-31T23:59:00Z', now)).toBe('due now');
  expect(nextRunText('2026-01-01T00:04:10Z', now)).toBe('in 5 min');
  expect(nextRunText('2026-01-01T02:00:00Z', now)).toBe('in 2 h');
  expect(nextRunText('2026-01-01T01:30:00Z', now)).toBe('in 1 h 30 min');
});

test('a flow no longer due when its turn comes is not counted', async () => {
  const s = new FlowScheduler({ ...deps().d, runIfDue: async () => null });
  expect(await s.tick()).toBe(0);
  expect(s.lastRun).toBeNull();
  expect(s.lastError).toBeNull();
});
