// Saved activations run on their schedule while the app is open: a browser tab has no cron, so the
// writer tab looks every 30 seconds (and once on start) for flows whose next run is due and runs them,
// one at a time. A follower tab (another tab writes this sandbox, see sandboxes.svelte.ts) never runs
// them: the writer does, and the follower sees the runs after its next reload. Errors are kept in
// `lastError` for a screen to show, never thrown at the timer.
import type { ActivationFlow, ActivationResult } from '$lib/engine/types';
import type { EngineHost } from '$lib/worker/wire';
import { toCdpError, type CdpError } from './errors';
import { cdp, sandboxes } from './sandboxes.svelte';

export const TICK_MS = 30_000;
/** A flow whose run failed is not tried again before this (its schedule did not move: no run was kept). */
export const RETRY_MS = 5 * 60_000;

export interface FlowRun {
  flow: ActivationFlow;
  results: ActivationResult[];
  at: string;
}

/** What the scheduler needs from the app; tests pass their own. */
export interface SchedulerDeps {
  /** Whether this tab may run flows now: a sandbox is open and this tab is its writer. */
  canRun(): Promise<boolean>;
  flows(): Promise<ActivationFlow[]>;
  /** Runs it now ("Run now"). */
  run(flow: string): Promise<{ flow: ActivationFlow; results: ActivationResult[] }>;
  /** Runs it if it is still due when its turn in the write queue comes; null when it no longer was. */
  runIfDue(flow: string): Promise<{ flow: ActivationFlow; results: ActivationResult[] } | null>;
  now(): number;
}

/** Errors that only say "not now" (another tab writes, no sandbox): skipped, not reported. */
const NOT_NOW = new Set(['read_only_tab', 'no_sandbox']);

export const appDeps: SchedulerDeps = {
  async canRun() {
    // Waits for the first open; a sandbox that failed to open is retried by the user, not by the timer.
    if (sandboxes.status === 'starting') await sandboxes.start().catch(() => undefined);
    return sandboxes.status === 'ready' && sandboxes.activeId !== null && !sandboxes.readOnly;
  },
  flows: () => cdp.call('activationFlows'),
  run: (flow) => cdp.call('runActivationFlow', flow),
  // The check and the run are one queued change, so a screen that saves a flow and runs it at once
  // (the wizard's Finish) and this timer cannot both run it: whichever comes second finds it not due.
  runIfDue: (flow) =>
    sandboxes.mutate(null, async (host) => {
      const call = host.call as unknown as EngineHost['call'];
      const current = (await call('activationFlows')).find((f) => f.id === flow);
      if (!current || !isDue(current, Date.now())) return null;
      return call('runActivationFlow', flow);
    }),
  now: () => Date.now()
};

const iso = (ms: number) => new Date(ms).toISOString();
/** Per flow: when a failed one may be tried again (plain state: no screen shows it). */
const retryTable = () => new Map<string, number>();

export const isDue = (flow: ActivationFlow, now: number): boolean =>
  flow.nextRunAt !== null && Date.parse(flow.nextRunAt) <= now;

export class FlowScheduler {
  /** The flow running now (scheduled or "Run now"), or null. */
  running = $state<string | null>(null);
  /** The latest error of a scheduled run, kept until a later scheduled run succeeds. */
  lastError = $state.raw<{ flow: string; error: CdpError; at: string } | null>(null);
  /** The latest run this scheduler made, for a screen to show. */
  lastRun = $state.raw<FlowRun | null>(null);

  #deps: SchedulerDeps;
  #chain: Promise<unknown> = Promise.resolve();
  #timer: ReturnType<typeof setInterval> | undefined;
  #retryAfter = retryTable();

  constructor(deps: SchedulerDeps) {
    this.#deps = deps;
  }

  /** Runs `fn` after whatever runs now: never two runs at once. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(fn);
    this.#chain = next.catch(() => undefined);
    return next;
  }

  async #runOne(id: string, onlyIfDue: boolean): Promise<FlowRun | null> {
    this.running = id;
    try {
      const ran = onlyIfDue ? await this.#deps.runIfDue(id) : await this.#deps.run(id);
      if (!ran) return null;
      const done = { flow: ran.flow, results: ran.results, at: iso(this.#deps.now()) };
      this.lastRun = done;
      return done;
    } finally {
      this.running = null;
    }
  }

  /** Looks for due flows and runs them one by one; resolves to how many ran. Never throws. */
  tick(): Promise<number> {
    return this.#serial(async () => {
      let ran = 0;
      try {
        if (!(await this.#deps.canRun())) return 0;
        const now = this.#deps.now();
        const due = (await this.#deps.flows()).filter(
          (f) => isDue(f, now) && (this.#retryAfter.get(f.id) ?? 0) <= now
        );
        for (const f of due) {
          // The tab may have become a follower, or switched sandbox, while the previous one ran.
          if (ran > 0 && !(await this.#deps.canRun())) break;
          try {
            if (!(await this.#runOne(f.id, true))) continue;
            this.#retryAfter.delete(f.id);
            this.lastError = null;
            ran += 1;
          } catch (e) {
            const error = toCdpError(e);
            if (NOT_NOW.has(error.code)) break;
            this.#retryAfter.set(f.id, this.#deps.now() + RETRY_MS);
            this.lastError = { flow: f.id, error, at: iso(this.#deps.now()) };
          }
        }
      } catch (e) {
        const error = toCdpError(e);
        if (!NOT_NOW.has(error.code)) {
          this.lastError = { flow: '', error, at: iso(this.#deps.now()) };
        }
      }
      return ran;
    });
  }

  /** "Run now" from a screen: waits for a scheduled run in progress, then runs; its errors are thrown. */
  runNow(id: string): Promise<FlowRun> {
    return this.#serial(async () => {
      const done = (await this.#runOne(id, false))!;
      this.#retryAfter.delete(id);
      return done;
    });
  }

  /** Starts ticking (once now, then every TICK_MS); returns stop. Calling it again does nothing. */
  start(intervalMs = TICK_MS): () => void {
    if (this.#timer === undefined) {
      void this.tick();
      this.#timer = setInterval(() => void this.tick(), intervalMs);
    }
    return () => this.stop();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

export const flowScheduler = new FlowScheduler(appDeps);

/** "in 4 min", "now" or "—", for a screen's "Next run" column. */
export function nextRunText(nextRunAt: string | null, now: number): string {
  if (!nextRunAt) return '—';
  const minutes = Math.ceil((Date.parse(nextRunAt) - now) / 60_000);
  if (minutes <= 0) return 'due now';
  if (minutes < 60) return `in ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `in ${hours} h ${rest} min` : `in ${hours} h`;
}
