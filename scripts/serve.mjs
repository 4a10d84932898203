// A plain static file server for the built site: what any static host does, and nothing more.
// Usage: node scripts/serve.mjs [folder=build] [--port 4173] [--open]
// `--port 0` takes a free port; the line printed on start says which.
//
// The folder may hold the build itself or a copy of it in a sub-folder (a workshop's USB stick):
// /sub redirects to /sub/ so the build's relative asset paths resolve, and an unknown path is a 404
// unless the folder has a 200.html fallback page. Nothing outside the folder is ever served.
//
// Every response carries the Content Security Policy of scripts/csp.mjs as a header (so frame-ancestors
// applies, and the engine's worker and the service worker get the policy from their own responses),
// with nosniff and no referrer.
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { exec } from 'node:child_process';
import { SECURITY_HEADERS, headerPolicy, metaPolicyOf } from './csp.mjs';

/** Content types for what a build holds; anything else is served as bytes. */
const TYPES = new Map([
  ['.html', 'text/html; charset=utf-8'],
  ['.js', 'text/javascript; charset=utf-8'],
  ['.mjs', 'text/javascript; charset=utf-8'],
  ['.css', 'text/css; charset=utf-8'],
  ['.json', 'application/json; charset=utf-8'],
  ['.map', 'application/json; charset=utf-8'],
  ['.webmanifest', 'application/manifest+json; charset=utf-8'],
  ['.wasm', 'application/wasm'],
  ['.svg', 'image/svg+xml'],
  ['.png', 'image/png'],
  ['.jpg', 'image/jpeg'],
  ['.jpeg', 'image/jpeg'],
  ['.webp', 'image/webp'],
  ['.ico', 'image/x-icon'],
  ['.woff2', 'font/woff2'],
  ['.txt', 'text/plain; charset=utf-8'],
  ['.csv', 'text/csv; charset=utf-8']
]);

/**
 * @typedef {{ kind: 'file', file: string, size: number, status: number }
 *   | { kind: 'redirect', location: string }
 *   | { kind: 'error', status: number, message: string }} Answer
 */

/** @param {string[]} args */
function parseArgs(args) {
  const portIndex = args.indexOf('--port');
  const portText = portIndex >= 0 ? args[portIndex + 1] : (process.env.PORT ?? '4173');
  const port = Number(portText);
  if (!/^\d+$/.test(portText ?? '') || port > 65535) {
    console.error(`--port wants a number from 0 to 65535, got "${portText}".`);
    process.exit(1);
  }
  const folder =
    args.find((a, i) => !a.startsWith('--') && (portIndex < 0 || i !== portIndex + 1)) ?? 'build';
  return { port, folder: resolve(folder), open: args.includes('--open') };
}

/**
 * The decoded path segments of a request target, or null when the target cannot name a file inside
 * the folder. Browsers remove `.` and `..` (encoded or not) before sending, so a request that still
 * has them, or a backslash or NUL that some file systems read as special, is refused outright
 * rather than cleaned up into some other file.
 * @param {string} rawPath the part of the request target before `?`
 * @returns {string[] | null}
 */
function segmentsOf(rawPath) {
  if (!rawPath.startsWith('/')) return null;
  /** @type {string[]} */
  const segments = [];
  for (const raw of rawPath.split('/')) {
    let segment;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment === '.' || segment === '..' || /[/\\\0]/.test(segment)) return null;
    if (segment !== '') segments.push(segment);
  }
  return segments;
}

/**
 * The file at `path` if it is a regular file whose real location (symlinks followed) is inside
 * `realRoot`; a symlink pointing elsewhere is treated as if nothing were there.
 * @param {string} realRoot
 * @param {string} path
 * @returns {Promise<{ file: string, size: number, directory: boolean } | null>}
 */
async function inside(realRoot, path) {
  try {
    const real = await realpath(path);
    if (real !== realRoot && !real.startsWith(realRoot + sep)) return null;
    const info = await stat(real);
    if (info.isFile()) return { file: real, size: info.size, directory: false };
    if (info.isDirectory()) return { file: real, size: 0, directory: true };
    return null;
  } catch {
    return null;
  }
}

/**
 * What a static host answers for `target`: the file, the folder's index.html, `name.html`, a
 * redirect that adds the folder's slash, else the 200.html fallback, else 404.
 * @param {string} realRoot
 * @param {string} target the request target as sent
 * @returns {Promise<Answer>}
 */
async function answerFor(realRoot, target) {
  const queryAt = target.indexOf('?');
  const rawPath = queryAt >= 0 ? target.slice(0, queryAt) : target;
  const segments = segmentsOf(rawPath);
  if (!segments)
    return { kind: 'error', status: 400, message: 'Bad request: this path cannot name a file here.' };

  const path = join(realRoot, ...segments);
  const found = await inside(realRoot, path);
  if (found && !found.directory) return { kind: 'file', file: found.file, size: found.size, status: 200 };
  if (found?.directory) {
    const index = await inside(realRoot, join(path, 'index.html'));
    if (index && !index.directory) {
      // Without the slash, the page's relative asset paths would resolve one folder too high. The
      // location is rebuilt from the segments: `//host` as sent would send the browser elsewhere.
      if (!rawPath.endsWith('/')) {
        const folderPath = segments.map(encodeURIComponent).join('/');
        const query = queryAt >= 0 ? target.slice(queryAt) : '';
        return { kind: 'redirect', location: `/${folderPath}/${query}` };
      }
      return { kind: 'file', file: index.file, size: index.size, status: 200 };
    }
  }
  if (segments.length > 0 && !rawPath.endsWith('/')) {
    const page = await inside(realRoot, `${path}.html`);
    if (page && !page.directory) return { kind: 'file', file: page.file, size: page.size, status: 200 };
  }
  const fallback = await inside(realRoot, join(realRoot, '200.html'));
  if (fallback && !fallback.directory)
    return { kind: 'file', file: fallback.file, size: fallback.size, status: 200 };
  return { kind: 'error', status: 404, message: 'Not found.' };
}

/**
 * How long a browser may keep a file: a hashed file never changes under its name; a page and the
 * service worker must be asked for again each time, or a new build would not be seen (the worker's
 * own update check reads service-worker.js past this cache anyway, but other servers' setups vary).
 * @param {string} file
 */
function cacheControlOf(file) {
  if (file.includes(`${sep}_app${sep}immutable${sep}`)) return 'public, max-age=31536000, immutable';
  return 'no-cache';
}

/** The policy for anything that is not a page: no page, no inline script to allow. */
const BASE_HEADERS = { 'content-security-policy': headerPolicy(), ...SECURITY_HEADERS };

/**
 * @param {import('node:http').ServerResponse} res
 * @param {Answer} answer
 * @param {boolean} head
 */
async function send(res, answer, head) {
  if (answer.kind === 'redirect') {
    res.writeHead(301, { location: answer.location, 'content-length': 0, ...BASE_HEADERS }).end();
    return;
  }
  if (answer.kind === 'error') {
    const body = `${answer.message}\n`;
    res.writeHead(answer.status, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      ...BASE_HEADERS
    });
    res.end(head ? undefined : body);
    return;
  }
  const type = TYPES.get(extname(answer.file).toLowerCase()) ?? 'application/octet-stream';
  const caching = { 'cache-control': cacheControlOf(answer.file) };
  if (extname(answer.file).toLowerCase() === '.html') {
    // A page is read whole (a few kB): its header policy takes the hashes of its own meta policy.
    const page = await readFile(answer.file);
    res.writeHead(answer.status, {
      'content-type': type,
      'content-length': page.length,
      ...BASE_HEADERS,
      ...caching,
      'content-security-policy': headerPolicy(metaPolicyOf(page.toString('utf8')))
    });
    res.end(head ? undefined : page);
    return;
  }
  res.writeHead(answer.status, {
    'content-type': type,
    'content-length': answer.size,
    ...BASE_HEADERS,
    ...caching
  });
  if (head) {
    res.end();
    return;
  }
  // A file that vanishes or fails mid-read ends this response only, never the server.
  createReadStream(answer.file)
    .on('error', () => res.destroy())
    .pipe(res);
}

/**
 * @param {string} realRoot
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 */
async function handle(realRoot, req, res) {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-length': 0, ...BASE_HEADERS }).end();
    return;
  }
  await send(res, await answerFor(realRoot, req.url ?? '/'), method === 'HEAD');
}

async function main() {
  const { port, folder, open } = parseArgs(process.argv.slice(2));
  let realRoot;
  try {
    realRoot = await realpath(folder);
  } catch {
    console.error(`Nothing to serve at ${folder}: run "npm run build" first.`);
    process.exit(1);
  }
  const server = createServer((req, res) => {
    handle(realRoot, req, res).catch((error) => {
      console.error(`Could not answer ${req.method} ${req.url}:`, error);
      if (!res.headersSent) res.writeHead(500, { 'content-length': 0 });
      res.end();
    });
  });
  server.listen(port, '127.0.0.1', () => {
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}/`;
    console.log(`Pocket CDP is served from ${realRoot} at ${url}`);
    if (open) {
      const opener =
        process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'start' : 'xdg-open';
      exec(`${opener} ${url}`, () => {});
    }
  });
}

await main();
