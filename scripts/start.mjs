// `npm start`: what a presenter runs. Builds the static site once (skipped when nothing it is built
// from changed since the last build), then serves exactly the files a workshop copies onto a USB stick
// and opens the browser. The dev server (`npm run dev`) takes ~12 s on its first load and reloads
// itself while it optimises dependencies; a built site opens at once.
// Usage: node scripts/start.mjs [--port 4174] [--no-open] [--rebuild]
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUILD = join(ROOT, 'build');
/** Written after a successful build: its time is what the sources are compared with. */
const STAMP = join(BUILD, '.built');
/** What the build reads: a change to any of them makes the next start rebuild. */
const SOURCES = [
  'src',
  'static',
  'svelte.config.js',
  'vite.config.ts',
  'tsconfig.json',
  'package.json',
  'package-lock.json'
];

const args = process.argv.slice(2);
const portIndex = args.indexOf('--port');
// Not the dev server's 5173: the built site's service worker would keep answering there with the
// cached build after a switch to `npm run dev` (a worker belongs to its origin, port included).
const port = portIndex >= 0 ? args[portIndex + 1] : (process.env.PORT ?? '4174');

/**
 * The newest modification time under a file or folder, in ms (0 when it does not exist).
 * @param {string} path
 * @returns {number}
 */
function newest(path) {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = info.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

function stale() {
  if (args.includes('--rebuild') || !existsSync(STAMP)) return true;
  const built = statSync(STAMP).mtimeMs;
  return SOURCES.some((s) => newest(join(ROOT, s)) > built);
}

if (stale()) {
  console.log('Building Pocket CDP (once; later starts reuse the build until a source changes)…');
  const vite = join(ROOT, 'node_modules/vite/bin/vite.js');
  const build = spawnSync(process.execPath, [vite, 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('The build failed: nothing was started. The messages above say why.');
    process.exit(build.status ?? 1);
  }
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
} else {
  console.log('The build is up to date with the sources: serving it.');
}

const serveArgs = [join(ROOT, 'scripts/serve.mjs'), BUILD, '--port', port];
if (!args.includes('--no-open')) serveArgs.push('--open');
const server = spawn(process.execPath, serveArgs, { cwd: ROOT, stdio: 'inherit' });
server.on('exit', (code) => process.exit(code ?? 0));
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, () => server.kill(signal));
}
