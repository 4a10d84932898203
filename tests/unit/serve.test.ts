// The static server of scripts/serve.mjs, run as the README runs it (a child process), against
// folders made here: the build at the root with its 200.html fallback, and a build copied into a
// sub-folder with no fallback. Requests go through node's http module with raw paths, because
// fetch would clean `..` and backslashes away before sending.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSP_DIRECTIVES, headerPolicy } from '../../scripts/csp.mjs';

const SERVE = fileURLToPath(new URL('../../scripts/serve.mjs', import.meta.url));
const SECRET = 'the secret next door';
const WAIT_MS = 10_000;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

interface Server {
  child: ChildProcess;
  port: number;
}

/** Starts the server on a port the system picks, and resolves once it says where it listens. */
function startServer(folder: string): Promise<Server> {
  const child = spawn(process.execPath, [SERVE, folder, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe']
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`serve.mjs did not start within ${WAIT_MS} ms: ${output}`));
    }, WAIT_MS);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const port = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(output)?.[1];
      if (!port) return;
      clearTimeout(timer);
      resolve({ child, port: Number(port) });
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve.mjs exited with ${code} before listening: ${output}`));
    });
  });
}

async function stopServer(server: Server | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill();
  await exited;
}

/** One request with the path exactly as given. */
function send(port: number, path: string, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, timeout: WAIT_MS }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer to ${method} ${path}`)));
    req.on('error', reject);
    req.end();
  });
}

/** Bytes written to the socket as they are, for a request line node's http client refuses to send. */
function sendRaw(port: number, requestText: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect({ host: '127.0.0.1', port }, () => socket.end(requestText, 'latin1'));
    socket.setTimeout(WAIT_MS, () => socket.destroy(new Error('no answer to a raw request')));
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

/** What a build holds, one small file of each kind. */
const BUILD: Record<string, string> = {
  'index.html': '<h1>overview</h1>',
  'profiles/index.html': '<h1>profiles</h1>',
  '_app/immutable/entry/start.js': 'export {};',
  '_app/immutable/assets/app.css': 'body{}',
  '_app/immutable/assets/sql-wasm.wasm': '\0asm',
  '_app/version.json': '{"version":"1"}',
  'favicon.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
  'manifest.webmanifest': '{"name":"Pocket CDP"}',
  // A prerendered page as SvelteKit writes it: its meta policy allows its inline bootstrap by hash.
  'audiences/index.html':
    "<meta http-equiv=\"content-security-policy\" content=\"default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'sha256-B00t+strap/Hash='\"><h1>audiences</h1>"
};

/** A response's policy, directive by directive. */
function directivesOf(answer: Answer): Map<string, string> {
  const header = answer.headers['content-security-policy'];
  expect(typeof header).toBe('string');
  return new Map(
    String(header)
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d): [string, string] => [d.split(' ')[0], d])
  );
}

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'pocket-cdp-serve-'));
  // A file beside the served folders that no request may ever read.
  await writeFile(join(work, 'secret.txt'), SECRET);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('a build served from its own folder, with a 200.html fallback', () => {
  let server: Server | undefined;
  let root: string;

  beforeAll(async () => {
    root = join(work, 'site');
    await writeFiles(root, { ...BUILD, '200.html': '<h1>fallback</h1>' });
    await symlink(join(work, 'secret.txt'), join(root, 'leak.txt'));
    await symlink(work, join(root, 'leak-folder'));
    await symlink(join(root, 'favicon.svg'), join(root, 'icon-alias.svg'));
    server = await startServer(root);
  });

  afterAll(() => stopServer(server));

  const port = () => server?.port ?? 0;

  it('serves each kind of file the build holds with its content type', async () => {
    const expected: [string, string][] = [
      ['/', 'text/html; charset=utf-8'],
      ['/_app/immutable/entry/start.js', 'text/javascript; charset=utf-8'],
      ['/_app/immutable/assets/app.css', 'text/css; charset=utf-8'],
      ['/_app/immutable/assets/sql-wasm.wasm', 'application/wasm'],
      ['/_app/version.json', 'application/json; charset=utf-8'],
      ['/favicon.svg', 'image/svg+xml'],
      ['/manifest.webmanifest', 'application/manifest+json; charset=utf-8']
    ];
    for (const [path, type] of expected) {
      const answer = await send(port(), path);
      expect({ path, status: answer.status, type: answer.headers['content-type'] }).toEqual({
        path,
        status: 200,
        type
      });
    }
  });

  it('lets a browser keep hashed files for a year and asks it to check pages and the rest each time', async () => {
    const expected: [string, string][] = [
      ['/', 'no-cache'],
      ['/profiles/', 'no-cache'],
      ['/_app/immutable/entry/start.js', 'public, max-age=31536000, immutable'],
      ['/_app/immutable/assets/sql-wasm.wasm', 'public, max-age=31536000, immutable'],
      ['/_app/version.json', 'no-cache'],
      ['/manifest.webmanifest', 'no-cache']
    ];
    for (const [path, caching] of expected) {
      const answer = await send(port(), path);
      expect({ path, caching: answer.headers['cache-control'] }).toEqual({ path, caching });
    }
  });

  it('opens a prerendered route from a direct URL, with or without its query', async () => {
    expect((await send(port(), '/profiles/?ns=Email&id=a%40b.example')).body).toBe('<h1>profiles</h1>');
    // The query is the page's business: a malformed escape in it is no reason to refuse the page.
    expect((await send(port(), '/profiles/?id=%E0%A4%A')).body).toBe('<h1>profiles</h1>');
  });

  it('adds the slash to a folder so the page’s relative asset paths resolve', async () => {
    const answer = await send(port(), '/profiles?ns=Email');
    expect(answer.status).toBe(301);
    expect(answer.headers.location).toBe('/profiles/?ns=Email');
  });

  it('answers an unknown path with the fallback page', async () => {
    const answer = await send(port(), '/no/such/route/');
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('<h1>fallback</h1>');
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const get = await send(port(), '/_app/immutable/assets/sql-wasm.wasm');
    const head = await send(port(), '/_app/immutable/assets/sql-wasm.wasm', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toBe('application/wasm');
    expect(head.headers['content-length']).toBe(get.headers['content-length']);
    expect(head.body).toBe('');
  });

  it('refuses methods other than GET and HEAD', async () => {
    const answer = await send(port(), '/', 'POST');
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('GET, HEAD');
  });

  it('follows a symlink that stays inside the folder', async () => {
    const answer = await send(port(), '/icon-alias.svg');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('image/svg+xml');
  });

  const hostile: [string, string, number][] = [
    ['a malformed escape', '/%E0%A4%A', 400],
    ['a lone percent sign', '/%', 400],
    ['a parent folder', '/../secret.txt', 400],
    ['a parent folder deeper down', '/profiles/../../secret.txt', 400],
    ['an encoded parent folder', '/%2e%2e/secret.txt', 400],
    ['an upper-case encoded parent folder', '/%2E%2E/%2E%2E/secret.txt', 400],
    ['an encoded slash', '/..%2fsecret.txt', 400],
    ['backslashes', '/..\\secret.txt', 400],
    ['encoded backslashes', '/..%5c..%5csecret.txt', 400],
    ['an encoded NUL byte', '/index.html%00.txt', 400],
    ['a target that is not a path', '*', 400]
  ];
  for (const [what, path, status] of hostile) {
    it(`answers ${status} to ${what} (${path}) and keeps serving`, async () => {
      const answer = await send(port(), path);
      expect(answer.status).toBe(status);
      expect(answer.body).not.toContain(SECRET);
      expect((await send(port(), '/')).status).toBe(200);
    });
  }

  it('never follows a symlink out of the folder: it is as if nothing were there', async () => {
    for (const path of ['/leak.txt', '/leak-folder/secret.txt']) {
      const answer = await send(port(), path);
      expect(answer.body).not.toContain(SECRET);
      expect(answer.body).toBe('<h1>fallback</h1>');
    }
  });

  it('answers 400 to a raw NUL byte in the request line and keeps serving', async () => {
    const answer = await sendRaw(port(), 'GET /index.html\0../secret.txt HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).not.toContain(SECRET);
    expect((await send(port(), '/')).status).toBe(200);
  });

  it('sends the whole policy of scripts/csp.mjs as a header on every answer, with nosniff and no referrer', async () => {
    const base = headerPolicy();
    expect(base).toContain("frame-ancestors 'none'");
    expect(base).toContain("script-src 'self' 'wasm-unsafe-eval'");
    const answers = await Promise.all([
      send(port(), '/_app/immutable/entry/start.js'),
      send(port(), '/_app/immutable/assets/sql-wasm.wasm', 'HEAD'),
      send(port(), '/'),
      send(port(), '/profiles'),
      send(port(), '/%E0%A4%A'),
      send(port(), '/', 'POST')
    ]);
    for (const answer of answers) {
      expect(answer.headers['content-security-policy']).toBe(base);
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('adds a page’s own script hashes from its meta policy to the header, and nothing else', async () => {
    for (const method of ['GET', 'HEAD']) {
      const answer = await send(port(), '/audiences/', method);
      expect(answer.status).toBe(200);
      const directives = directivesOf(answer);
      expect(directives.get('script-src')).toBe(
        "script-src 'self' 'wasm-unsafe-eval' 'sha256-B00t+strap/Hash='"
      );
      // what the meta tag cannot carry, and every other directive of scripts/csp.mjs, unchanged
      expect(directives.get('frame-ancestors')).toBe("frame-ancestors 'none'");
      expect(directives.get('connect-src')).toBe("connect-src 'self'");
      expect(directives.get('object-src')).toBe("object-src 'none'");
      expect([...directives.keys()]).toEqual(Object.keys(CSP_DIRECTIVES));
    }
    expect((await send(port(), '/audiences/')).body).toContain('<h1>audiences</h1>');
  });

  it('is still running after every request above', () => {
    expect(server?.child.exitCode).toBeNull();
  });
});

describe('a build copied into a sub-folder of the served folder, with no fallback page', () => {
  let server: Server | undefined;

  beforeAll(async () => {
    const root = join(work, 'workshop');
    const build = Object.entries(BUILD).map(([path, text]): [string, string] => [`pocket-cdp/${path}`, text]);
    await writeFiles(root, Object.fromEntries(build));
    server = await startServer(root);
  });

  afterAll(() => stopServer(server));

  const port = () => server?.port ?? 0;

  it('sends the sub-folder’s address to its slash form, then serves its pages and assets', async () => {
    const bare = await send(port(), '/pocket-cdp');
    expect(bare.status).toBe(301);
    expect(bare.headers.location).toBe('/pocket-cdp/');
    expect((await send(port(), '/pocket-cdp/')).body).toBe('<h1>overview</h1>');
    expect((await send(port(), '/pocket-cdp/profiles/')).body).toBe('<h1>profiles</h1>');
    const wasm = await send(port(), '/pocket-cdp/_app/immutable/assets/sql-wasm.wasm');
    expect(wasm.headers['content-type']).toBe('application/wasm');
  });

  it('answers 404 to an unknown path, GET or HEAD, and keeps serving', async () => {
    for (const path of ['/', '/nope', '/pocket-cdp/no/such/route/', '/pocket-cdp/_app/missing.js']) {
      expect({ path, status: (await send(port(), path)).status }).toEqual({ path, status: 404 });
      expect({ path, status: (await send(port(), path, 'HEAD')).status }).toEqual({ path, status: 404 });
    }
    expect((await send(port(), '/pocket-cdp/')).status).toBe(200);
  });

  it('answers 400 to a malformed URL and keeps serving', async () => {
    expect((await send(port(), '/pocket-cdp/%E0%A4%A')).status).toBe(400);
    expect((await send(port(), '/pocket-cdp/../secret.txt')).status).toBe(400);
    expect((await send(port(), '/pocket-cdp/')).status).toBe(200);
    expect(server?.child.exitCode).toBeNull();
  });
});
