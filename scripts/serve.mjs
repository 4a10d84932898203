// A plain static file server for the built site: what any static host does, and nothing more.
// Usage: node scripts/serve.mjs [folder=build] [--port 4173] [--open]
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { exec } from 'node:child_process';

const args = process.argv.slice(2);
const portIndex = args.indexOf('--port');
const port = portIndex >= 0 ? Number(args[portIndex + 1]) : Number(process.env.PORT ?? 4173);
const root = resolve(args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--port') ?? 'build');
/** @type {Record<string, string>} */
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain'
};

/** @param {string} urlPath */
function fileFor(urlPath) {
  const clean = normalize(decodeURIComponent(urlPath.split('?')[0])).replace(/^(\.\.[/\\])+/, '');
  const candidates = [join(root, clean), join(root, clean, 'index.html'), join(root, `${clean}.html`)];
  const found = candidates.find((p) => p.startsWith(root) && existsSync(p) && statSync(p).isFile());
  return found ?? join(root, '200.html');
}

if (!existsSync(root)) {
  console.error(`Nothing to serve at ${root}: run "npm run build" first.`);
  process.exit(1);
}
createServer((req, res) => {
  const file = fileFor(req.url ?? '/');
  res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
}).listen(port, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${port}/`;
  console.log(`Pocket CDP is served from ${root} at ${url}`);
  if (args.includes('--open')) {
    const opener =
      process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'start' : 'xdg-open';
    exec(`${opener} ${url}`, () => {});
  }
});
