import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    // Relative asset paths and one prerendered shell per route: the build works from any folder on any
    // static server (an offline workshop's USB stick included), and 200.html covers unknown paths.
    adapter: adapter({ fallback: '200.html' }),
    paths: { relative: true }
  }
};
