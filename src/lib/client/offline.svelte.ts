// Registers the service worker (src/service-worker/index.ts) and says when a newer version of the app is
// ready. The page, not the worker, decides when to switch: a new build installs beside the running
// one and waits; the page shows a notice, and only the user's Reload makes the new worker take over
// and reloads the page once. Nothing here ever reloads a page by itself (docs/ARCHITECTURE.md, "Offline").
import { resolve } from '$app/paths';

/**
 * `waiting`: a newer version is installed and waits for this page's Reload.
 * `elsewhere`: another tab made a newer version take over; this page still runs the older files.
 */
export type UpdateState = 'none' | 'waiting' | 'elsewhere';

/** The message src/service-worker/index.ts acts on. */
const SKIP_WAITING = { type: 'skip-waiting' } as const;

class OfflineApp {
  update = $state<UpdateState>('none');
  #registration: ServiceWorkerRegistration | undefined;
  #reloading = false;

  /** Registers the worker once the page has started; returns what undoes the listeners. */
  start(): () => void {
    // The dev server rebuilds files under the same names: a cache-first worker would serve stale ones.
    if (import.meta.env.DEV || !('serviceWorker' in navigator)) return () => {};
    const container = navigator.serviceWorker;
    // A page that started without a worker (a first visit) gets one by claim(): that change is no update.
    const startedControlled = container.controller !== null;

    const oncontrollerchange = () => {
      if (this.#reloading) {
        window.location.reload();
      } else if (startedControlled) {
        this.update = 'elsewhere';
      }
    };
    container.addEventListener('controllerchange', oncontrollerchange);

    // The worker sits at the root of the build (wherever that is) and serves that folder and below.
    const script = new URL('service-worker.js', new URL(resolve('/'), window.location.href));
    let stopped = false;
    container
      .register(script, { scope: new URL('./', script).href })
      .then((registration) => {
        if (stopped) return;
        this.#registration = registration;
        this.#watch(registration);
      })
      .catch(() => {
        // Without a worker the app still runs, only not offline (a private window may refuse it).
      });
    return () => {
      stopped = true;
      container.removeEventListener('controllerchange', oncontrollerchange);
    };
  }

  /** Switches to the newer version: the waiting worker takes over, then the page reloads once. */
  reload(): void {
    const waiting = this.#registration?.waiting;
    if (this.update === 'waiting' && waiting) {
      this.#reloading = true;
      waiting.postMessage(SKIP_WAITING);
    } else {
      window.location.reload();
    }
  }

  #watch(registration: ServiceWorkerRegistration): void {
    // An installed worker while another one controls the page is a newer version; the first install
    // of all has no controller to replace and activates at once.
    const markIfNewer = () => {
      if (registration.waiting && navigator.serviceWorker.controller && this.update === 'none') {
        this.update = 'waiting';
      }
    };
    const follow = (worker: ServiceWorker | null) => {
      worker?.addEventListener('statechange', markIfNewer);
    };
    markIfNewer();
    follow(registration.installing);
    registration.addEventListener('updatefound', () => follow(registration.installing));
  }
}

export const offline = new OfflineApp();
