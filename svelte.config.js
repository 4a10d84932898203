import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { CSP_DIRECTIVES } from './scripts/csp.mjs';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    // Relative asset paths and one prerendered shell per route: the build works from any folder on any
    // static server (an offline workshop's USB stick included), and 200.html covers unknown paths.
    adapter: adapter({ fallback: '200.html' }),
    paths: { relative: true },
    // The service worker is registered by the page itself (src/lib/client/offline.svelte.ts), so that a new
    // version waits for the user's Reload instead of taking over a page mid-demo.
    serviceWorker: { register: false },
    // Every page carries the policy of scripts/csp.mjs as a meta tag; 'hash' because the pages are
    // prerendered: SvelteKit adds the hash of each page's inline bootstrap script (docs/SECURITY.md).
    csp: { mode: 'hash', directives: CSP_DIRECTIVES }
  }
};
