// Every route is a prerendered shell rendered in the browser: the app is a static site whose state
// lives in the tab (worker + IndexedDB), so there is nothing to render on a server.
export const ssr = false;
export const prerender = true;
export const trailingSlash = 'always';
