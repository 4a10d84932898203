/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/// <reference types="@sveltejs/kit" />
// The offline copy of Pocket CDP (docs/ARCHITECTURE.md, "Offline"). Each build's worker keeps every
// file of its own version in a cache named after that version and answers from it first, so a page is
// always one version's files: a newer build installs beside it and waits until the user presses Reload
// (src/lib/client/offline.svelte.ts). Every URL is taken from this file's own location, never from
// '/': the build runs at a site root and under any sub-path.
import { build, files, prerendered, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;

/** The folder this file sits in: the root of the build, wherever it was copied. */
const root = new URL('./', sw.location.href);
const pathIn = (relative: string) => new URL(relative, root).pathname;

// Caches belong to the origin, not to a folder: two copies of the app under one origin must not delete
// each other's caches, so the name carries the folder.
const CACHE_PREFIX = `pocket-cdp ${root.pathname} `;
const CACHE = `${CACHE_PREFIX}${version}`;

const FALLBACK = pathIn('200.html');
const IMMUTABLE = pathIn('_app/immutable/');
const WORKERS = pathIn('_app/immutable/workers/');

/** Paths of every file of this version: hashed chunks and assets, static files, pages, the fallback. */
const PRECACHE = new Set(
  [...build, ...files, ...prerendered].map((path) => new URL(path, sw.location.href).pathname)
);
PRECACHE.add(FALLBACK);

/** What a message from the page may ask (src/lib/client/offline.svelte.ts sends it). */
type PageMessage = { type: 'skip-waiting' };

const isPageMessage = (data: unknown): data is PageMessage =>
  typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'skip-waiting';

function requestFor(path: string): Request {
  // A hashed file never changes under its name; anything else (a page, a static file) is fetched past
  // the HTTP cache, so that this version's cache cannot hold an older version's page.
  return new Request(new URL(path, root), { cache: path.startsWith(IMMUTABLE) ? 'default' : 'no-cache' });
}

/**
 * Adds the chunks the engine's worker imports itself (the generator's faker data, loaded on first
 * use): SvelteKit lists the worker's entry file only, as the client build sees no more of it. Each
 * worker script is read for the relative `./…js` names it imports, and those are cached in turn.
 */
async function addWorkerChunks(cache: Cache): Promise<void> {
  const seen = new Set([...PRECACHE].filter((path) => path.startsWith(WORKERS)));
  const queue = [...seen];
  for (let path = queue.pop(); path !== undefined; path = queue.pop()) {
    const script = await cache.match(path);
    if (!script) continue;
    const text = await script.text();
    for (const [, name] of text.matchAll(/["'`](\.{1,2}\/[\w./-]+\.js)["'`]/g)) {
      const chunk = new URL(name, new URL(path, root)).pathname;
      if (!chunk.startsWith(WORKERS) || seen.has(chunk)) continue;
      seen.add(chunk);
      queue.push(chunk);
      await cache.add(requestFor(chunk));
    }
  }
}

async function precache(): Promise<void> {
  const cache = await caches.open(CACHE);
  // addAll stores all or nothing: a version that could not be fetched whole never installs.
  await cache.addAll([...PRECACHE].map(requestFor));
  await addWorkerChunks(cache);
}

async function removeOtherVersions(): Promise<void> {
  for (const name of await caches.keys()) {
    if (name.startsWith(CACHE_PREFIX) && name !== CACHE) await caches.delete(name);
  }
}

/** A file of this version from its cache; a hashed file it did not list is kept once fetched. */
async function fromCache(request: Request, url: URL): Promise<Response> {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(url.pathname);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok && url.pathname.startsWith(IMMUTABLE)) await cache.put(url.pathname, response.clone());
  return response;
}

/**
 * A page: this version's prerendered page for the path, a redirect to the path with its trailing
 * slash (the pages' relative asset paths need it), else the network (a file of the folder that is not
 * part of the build), else, offline, the 200.html shell, whose router says what is not there.
 */
async function page(request: Request, url: URL): Promise<Response> {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(url.pathname);
  if (hit) return hit;
  if (!url.pathname.endsWith('/') && PRECACHE.has(`${url.pathname}/`)) {
    return Response.redirect(`${url.origin}${url.pathname}/${url.search}`, 301);
  }
  try {
    return await fetch(request);
  } catch (error) {
    const shell = await cache.match(FALLBACK);
    if (shell) return shell;
    throw error;
  }
}

sw.addEventListener('install', (event) => {
  // No skipWaiting here: a new version waits for the page's Reload (see the message handler).
  event.waitUntil(precache());
});

sw.addEventListener('activate', (event) => {
  // claim(): the first visit's page is served offline from now on, without a reload of its own; after
  // an update, every open tab hears controllerchange and knows its files are no longer the current ones.
  event.waitUntil(removeOtherVersions().then(() => sw.clients.claim()));
});

sw.addEventListener('message', (event) => {
  if (isPageMessage(event.data)) event.waitUntil(sw.skipWaiting());
});

sw.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== root.origin || !url.pathname.startsWith(root.pathname)) return;
  if (request.mode === 'navigate') {
    event.respondWith(page(request, url));
  } else if (PRECACHE.has(url.pathname) || url.pathname.startsWith(IMMUTABLE)) {
    event.respondWith(fromCache(request, url));
  }
  // Anything else (SvelteKit's version.json, a file the build does not hold) goes to the network as it
  // would without a service worker.
});
