// The performance budgets (docs/ARCHITECTURE.md, "Budgets"), measured as ratios against a bare baseline in the same
// run (never as absolute times): `npm run bench`. BENCH_ROWS sets the file size (default 1,000,000).
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Papa from 'papaparse';
import { chromium } from '@playwright/test';
import initSqlJs from 'sql.js';
import { openSandbox } from '../src/lib/engine/index';
import { GenerationRun } from '../src/lib/engine/generate/run';
import { STANDARD_NAMESPACES } from '../src/lib/engine/catalog/namespaces';
import { openDatabase } from '../src/lib/engine/db/sqlite';
import { CRM_PROFILE, WEB_EVENTS } from '../src/lib/engine/templates/catalogs';
import type { Namespace, Sandbox, SchemaDef } from '../src/lib/engine/types';
import { CHROMIUM_ARGS, findChromium } from './chromium.mjs';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const LOOKUPS = 2000;

interface Result {
  budget: string;
  measured: string;
  limit: string;
  ok: boolean | null;
}
const results: Result[] = [];

/** Bench people: ids in ranges of their own (CRMB-), so none is one of the template's own customers. */
function csvFile(rows: number): string {
  const lines = [
    'person.email,person.crmId,person.phone,person.name.firstName,account.balance,account.hasAdvisor'
  ];
  for (let i = 0; i < rows; i++) {
    const phone = `+1415${String(2000000 + (i % 7000000)).padStart(7, '0')}`;
    lines.push(`user${i}@bench.example,CRMB-${i},${phone},Name${i % 977},${(i % 100000) / 7},${i % 3 === 0}`);
  }
  return lines.join('\n') + '\n';
}

async function time<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  (globalThis as { gc?: () => void }).gc?.();
  const start = performance.now();
  const out = await fn();
  return [out, performance.now() - start];
}

/** What any app does with papaparse and sql.js: parse, then insert each row in one transaction. */
async function bareIngest(text: string): Promise<number> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run('CREATE TABLE t (email TEXT, crm TEXT, phone TEXT, name TEXT, balance REAL, advisor INTEGER)');
  db.run('BEGIN');
  const stmt = db.prepare('INSERT INTO t VALUES (?,?,?,?,?,?)');
  let n = 0;
  Papa.parse<string[]>(text, {
    skipEmptyLines: true,
    step: (r) => {
      if (n++ === 0) return;
      const c = r.data;
      stmt.run([c[0], c[1], c[2], c[3], Number(c[4]), c[5] === 'true' ? 1 : 0]);
    }
  });
  stmt.free();
  db.run('COMMIT');
  db.close();
  return n - 1;
}

async function benchIngest(): Promise<Sandbox> {
  const text = csvFile(ROWS);
  const [bareRows, bareMs] = await time(() => bareIngest(text));
  const sb = await openSandbox({ template: 'securfinancial' });
  const [report, ms] = await time(() => sb.ingest('CRM Profiles', text));
  if (report.rowsIngested !== ROWS || bareRows !== ROWS) {
    throw new Error(`bench ingest read ${report.rowsIngested} / ${bareRows} of ${ROWS} rows`);
  }
  const ratio = ms / bareMs;
  results.push({
    budget: `ingest ${ROWS.toLocaleString('en-US')} CSV rows vs bare papaparse + sql.js`,
    measured: `${ratio.toFixed(2)}x (${(ms / 1000).toFixed(1)} s vs ${(bareMs / 1000).toFixed(1)} s)`,
    limit: '<= 1.5x',
    ok: ratio <= 1.5
  });
  return sb;
}

async function benchLookup(sb: Sandbox): Promise<void> {
  const keys = Array.from({ length: LOOKUPS }, (_, i) => Math.floor((i * 7919) % ROWS));
  const [, ms] = await time(async () => {
    for (const [k, i] of keys.entries()) {
      const ns = k % 3 === 0 ? 'Email' : k % 3 === 1 ? 'CRMID' : 'Phone';
      const id = ns === 'Email' ? `user${i}@bench.example` : ns === 'CRMID' ? `CRMB-${i}` : undefined;
      const p = await sb.profile(id ? ns : 'Email', id ?? `user${i}@bench.example`);
      if (!p) throw new Error(`no profile for ${ns} ${i}`);
    }
  });
  const each = ms / LOOKUPS;
  results.push({
    budget: `profile lookup by identity at ${ROWS.toLocaleString('en-US')} profiles`,
    measured: `${each.toFixed(2)} ms each (mean of ${LOOKUPS})`,
    limit: '< 10 ms',
    ok: each < 10
  });
}

/**
 * An audience rule over the ingested profiles against the same predicate scanned from a bare table of
 * the same values. The first evaluation builds the profile snapshot and is reported on its own; the
 * budget is for evaluations once it is current (median of 5).
 */
async function benchAudience(sb: Sandbox): Promise<void> {
  const rule = 'account.balance > 7000 and not account.hasAdvisor';
  const [first, buildMs] = await time(() => sb.evaluate(rule));
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const [r, ms] = await time(() => sb.evaluate(rule));
    if (r.count !== first.count) throw new Error('audience count changed between evaluations');
    runs.push(ms);
  }
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run('CREATE TABLE t (pid INTEGER PRIMARY KEY, balance REAL, advisor INTEGER)');
  db.run('BEGIN');
  const stmt = db.prepare('INSERT INTO t VALUES (?,?,?)');
  for (let i = 0; i < ROWS; i++) stmt.run([i + 1, (i % 100000) / 7, i % 3 === 0 ? 1 : 0]);
  stmt.free();
  db.run('COMMIT');
  const bare: number[] = [];
  let bareCount = 0;
  for (let i = 0; i < 5; i++) {
    const [n, ms] = await time(
      () => db.exec('SELECT count(*) FROM t WHERE balance > 7000 AND NOT advisor')[0].values[0][0] as number
    );
    bareCount = n;
    bare.push(ms);
  }
  db.close();
  // the template's own sample profiles match too
  const template = await openSandbox({ template: 'securfinancial' });
  const sample = (await template.evaluate(rule)).count;
  template.close();
  if (bareCount + sample !== first.count) {
    throw new Error(`audience counted ${first.count}, bare scan ${bareCount} + ${sample} sample profiles`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ratio = median(runs) / median(bare);
  results.push({
    budget: `audience evaluation over ${ROWS.toLocaleString('en-US')} profiles vs a bare SQL scan`,
    measured: `${ratio.toFixed(2)}x (${median(runs).toFixed(0)} ms vs ${median(bare).toFixed(0)} ms; first, building the snapshot: ${(buildMs / 1000).toFixed(1)} s)`,
    limit: '<= 3x',
    ok: ratio <= 3
  });
}

const rows = (n: number) => n.toLocaleString('en-US');
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;

/**
 * Generation alone (no sandbox to write to): rows a second, and the heap it holds. The heap is sampled
 * at every chunk and, after a full GC every 20 chunks, what stays live: bounded by the chunk size, the
 * peak at 1,000,000 records is about the peak at 100,000.
 */
async function benchGenerationMemory(): Promise<void> {
  const db = await openDatabase();
  const namespaces = new Map<string, Namespace>(
    STANDARD_NAMESPACES.map((n) => [
      n.code,
      {
        ...n,
        unique: !!n.unique,
        priority: n.priority ?? 99,
        linksRecords: n.type !== 'partner',
        standard: true
      }
    ])
  );
  const gc = (globalThis as { gc?: () => void }).gc;
  for (const schema of [CRM_PROFILE, WEB_EVENTS] as SchemaDef[]) {
    const peaks: { count: number; peak: number; live: number; ms: number }[] = [];
    for (const count of [100_000, 1_000_000]) {
      gc?.();
      const base = process.memoryUsage().heapUsed;
      let peak = 0;
      let live = 0;
      let chunks = 0;
      const start = performance.now();
      const run = await GenerationRun.open(db, namespaces, new Set(['test@test.com']), schema, {
        count,
        seed: 3,
        messiness: 0.1,
        sharedDevices: 0.05
      });
      for (const text of run.chunks('csv')) {
        void text;
        peak = Math.max(peak, process.memoryUsage().heapUsed - base);
        if (gc && ++chunks % 20 === 0) {
          gc();
          live = Math.max(live, process.memoryUsage().heapUsed - base);
        }
      }
      peaks.push({ count, peak, live, ms: performance.now() - start });
    }
    const [small, large] = peaks;
    results.push({
      budget: `generate ${rows(large.count)} ${schema.name} records, no sandbox (peak heap vs ${rows(small.count)})`,
      measured: `${Math.round(large.count / (large.ms / 1000)).toLocaleString('en-US')} rows/s; peak heap ${mb(large.peak)} (${mb(small.peak)} at ${rows(small.count)}), live after GC ${mb(large.live)} (${mb(small.live)})`,
      limit: 'peak <= 1.5x the 100k peak',
      ok: large.peak <= 1.5 * small.peak
    });
  }
  db.close();
}

/**
 * Generating straight into a dataset (one batch through the ordinary ingestion) against making the
 * same file and ingesting it: streaming must not cost more than the file round trip.
 */
async function benchGenerateInto(): Promise<void> {
  const opts = { count: ROWS, seed: 11, overlap: 0.2, messiness: 0.05 };
  const viaFile = await openSandbox({ template: 'securfinancial' });
  const [fileReport, fileMs] = await time(async () => {
    const text = await viaFile.generate('CRM Profiles', opts);
    return viaFile.ingest('CRM Profiles', text, { errorThreshold: 0.1 });
  });
  viaFile.close();
  const sb = await openSandbox({ template: 'securfinancial' });
  // the sandbox itself grows with the rows it stores: peak RSS says what the whole run held
  let rss = 0;
  const [report, ms] = await time(() =>
    sb.generateInto('CRM Profiles', {
      ...opts,
      onProgress: () => (rss = Math.max(rss, process.memoryUsage().rss))
    })
  );
  sb.close();
  if (report.rowsRead !== ROWS || fileReport.rowsRead !== ROWS) {
    throw new Error(`generateInto read ${report.rowsRead}, the file ${fileReport.rowsRead}, of ${ROWS} rows`);
  }
  const ratio = ms / fileMs;
  results.push({
    budget: `generate ${rows(ROWS)} records into a dataset vs generate the file, then ingest it`,
    measured: `${ratio.toFixed(2)}x (${(ms / 1000).toFixed(1)} s, ${Math.round(ROWS / (ms / 1000)).toLocaleString('en-US')} rows/s, vs ${(fileMs / 1000).toFixed(1)} s); ${report.status}, ${rows(report.rowsFailed)} failed, ${rows(report.recordsMatched)} matched; peak RSS ${mb(rss)}`,
    limit: '<= 1.2x',
    ok: ratio <= 1.2
  });
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.json': 'application/json'
};

/**
 * The browser budgets, on the built site from a plain static server: the JavaScript the first visit
 * loads (gzipped as a host would serve it; the engine worker's chunks and the sql.js wasm excluded),
 * the first paint, and the longest main-thread task while the worker ingests an upload.
 */
async function benchBrowser(): Promise<void> {
  const executablePath = findChromium();
  if (!existsSync('build/index.html') || !executablePath) {
    results.push({
      budget: 'browser budgets (initial JS, first paint, UI blocking)',
      measured: 'not measured: run "npm run build" first and have a Chromium',
      limit: '',
      ok: null
    });
    return;
  }
  const server = createServer((req, res) => {
    // as any static host: the file, the folder's index.html (each route is prerendered), else 200.html
    const path = join('build', decodeURIComponent((req.url ?? '/').split('?')[0]));
    const file =
      [path, join(path, 'index.html')].find((p) => existsSync(p) && statSync(p).isFile()) ??
      join('build', '200.html');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'text/html' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(4179, '127.0.0.1', resolve));
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.addInitScript(() => {
      const w = window as unknown as { longest: number };
      w.longest = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.longest = Math.max(w.longest, e.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    const scripts = new Set<string>();
    page.on('request', (r) => {
      // the page's own scripts; the engine worker's chunks load in the worker, after first paint
      if (r.resourceType() === 'script' && r.frame() === page.mainFrame())
        scripts.add(new URL(r.url()).pathname);
    });
    await page.goto('http://127.0.0.1:4179/');
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    let gz = 0;
    for (const path of scripts)
      gz += gzipSync(readFileSync(join('build', decodeURIComponent(path)))).byteLength;
    results.push({
      budget: 'initial JavaScript, gzipped',
      measured: `${(gz / 1024).toFixed(1)} kB in ${scripts.size} files`,
      limit: '< 250 kB',
      ok: gz < 250 * 1024
    });
    const fcp = await page.evaluate(
      () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN
    );
    results.push({
      budget: 'first contentful paint, static server',
      measured: `${fcp.toFixed(0)} ms`,
      limit: '< 1500 ms',
      ok: fcp < 1500
    });

    // An upload big enough to keep the worker busy for seconds, picked with the file input
    const rows = Math.min(ROWS, 200_000);
    const file = join(tmpdir(), `pocket-cdp-bench-${rows}.csv`);
    writeFileSync(file, csvFile(rows));
    await page.getByRole('status').filter({ hasText: 'Saved in this browser' }).waitFor({ timeout: 60_000 });
    await page.goto('http://127.0.0.1:4179/datasets/view/?name=CRM%20Profiles');
    await page.getByRole('status').filter({ hasText: 'Saved in this browser' }).waitFor({ timeout: 60_000 });
    await page.evaluate(() => ((window as unknown as { longest: number }).longest = 0));
    await page.getByLabel('Choose file').setInputFiles(file);
    await page.getByTestId('batch-report').waitFor({ timeout: 600_000 });
    const longest = await page.evaluate(() => (window as unknown as { longest: number }).longest);
    // the measurement counts only if the upload really ran: the report shows every row ingested
    const ingested = Number((await page.getByTestId('rows-ingested').textContent())?.replace(/\D/g, ''));
    rmSync(file);
    results.push({
      budget: `longest UI task while the worker ingests ${rows.toLocaleString('en-US')} rows`,
      measured: `${longest.toFixed(0)} ms (${ingested.toLocaleString('en-US')} rows ingested)`,
      limit: '<= 100 ms',
      ok: longest <= 100 && ingested === rows
    });
  } finally {
    await browser.close();
    server.close();
  }
}

// BENCH_ONLY=generate runs the generator's rows alone
const only = process.env.BENCH_ONLY;
if (!only) {
  if (!process.env.BENCH_SKIP_BROWSER) await benchBrowser();
  const sb = await benchIngest();
  await benchLookup(sb);
  await benchAudience(sb);
  sb.close();
}
if (!only || only === 'generate') {
  await benchGenerationMemory();
  await benchGenerateInto();
}

console.table(results.map((r) => ({ ...r, ok: r.ok === null ? 'n/a' : r.ok ? 'yes' : 'NO' })));
const failed = results.filter((r) => r.ok === false);
console.log(`${results.length - failed.length} within budget, ${failed.length} over`);
process.exitCode = failed.length ? 1 : 0;
