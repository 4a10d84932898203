// The page side of the browser bench (bundled by ./browser.ts): the real engine worker of the build,
// driven over the same wire as the app, and the bare baseline on the same page.
import * as Comlink from 'comlink';
import Papa from 'papaparse';
import { configureSqlJs, openDatabase, type Database } from '../../src/lib/engine/db/sqlite';
import { installWireHandlers, type EngineHost } from '../../src/lib/worker/wire';
import { FLOORS, bareInsert, bareScan } from './baseline';
import { BARE_PREDICATE, RULE, crmIdOf, emailOf } from './files';

installWireHandlers();
const params = new URLSearchParams(location.search);
const wasmUrl = new URL(params.get('wasm') ?? '', location.href).href;
const engine = Comlink.wrap<EngineHost>(new Worker(params.get('worker') ?? '', { type: 'module' }));
// as the app's client does: comlink's remote type loses the per-method signatures of call()
const call = engine.call as unknown as EngineHost['call'];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function clock<T>(fn: () => Promise<T>): Promise<{ ms: number; out: T }> {
  const start = performance.now();
  const out = await fn();
  return { ms: performance.now() - start, out };
}

/** The bare table takes every file of the run, as the sandbox does (a second file joins the first). */
let bareDb: Database | null = null;

const api = {
  ready: engine.configure({ wasmUrl }),
  async bare(url: string) {
    const text = await (await fetch(url)).text();
    if (!bareDb) {
      // in memory, as the engine's own database is (see scripts/bench/node.ts)
      configureSqlJs({ locateFile: () => wasmUrl });
      bareDb = await openDatabase();
    }
    const db = bareDb;
    const insert = await clock(() => Promise.resolve(bareInsert(Papa, db, text)));
    const scans: number[] = [];
    let count = 0;
    for (let i = 0; i < 5; i++) {
      const s = await clock(() => Promise.resolve(bareScan(db, BARE_PREDICATE)));
      count = s.out;
      scans.push(s.ms);
    }
    return { insertMs: insert.ms, rows: insert.out, scanMs: median(scans), count };
  },
  /** Each floor (./baseline.ts) into a database of its own, closed after. */
  async floors(url: string) {
    const text = await (await fetch(url)).text();
    const out: { step: string; ms: number }[] = [];
    for (const [step, floor] of FLOORS) {
      const db = await openDatabase();
      try {
        out.push({ step, ms: (await clock(() => Promise.resolve(floor(Papa, db, text)))).ms });
      } finally {
        db.close();
      }
    }
    return out;
  },
  open: (template: 'securfinancial') => engine.open({ template }),
  /** The file as a Blob, as a picked file reaches the worker; the longest gap between progress calls. */
  async ingest(url: string) {
    const blob = await (await fetch(url)).blob();
    let last = performance.now();
    let maxGap = 0;
    const onProgress = Comlink.proxy(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
    });
    const r = await clock(() => engine.ingest('CRM Profiles', blob, { onProgress }));
    const { status, errors, rowsIngested, profilesAfter, recordsMatched, profilesCreated } = r.out;
    const error = errors[0]?.message ?? '';
    const code = errors[0]?.code ?? '';
    return {
      ms: r.ms,
      maxGap,
      status,
      error,
      code,
      rowsIngested,
      profilesAfter,
      recordsMatched,
      profilesCreated
    };
  },
  async generate(rows: number) {
    const r = await clock(() => engine.generateInto('CRM Profiles', { count: rows, seed: 11 }));
    const error = r.out.errors[0]?.message ?? '';
    const code = r.out.errors[0]?.code ?? '';
    return { ms: r.ms, status: r.out.status, error, code, rowsIngested: r.out.rowsIngested };
  },
  async evaluate() {
    const r = await clock(() => call('evaluate', RULE));
    return { ms: r.ms, count: r.out.count };
  },
  /** Means over many calls, each awaited as a screen would. */
  async interactive(rows: number) {
    const picks = Array.from({ length: 200 }, (_, k) => (k * 7919) % rows);
    const lookup = await clock(async () => {
      for (const [k, i] of picks.entries())
        await (k % 2 ? call('profile', 'CRMID', crmIdOf(i)) : call('profile', 'Email', emailOf(i)));
    });
    const graph = await clock(async () => {
      for (const i of picks.slice(0, 50)) await call('identityGraph', 'Email', emailOf(i));
    });
    const firstPage = await clock(() => call('browseProfiles', { kind: 'customer', limit: 25 }));
    const laterPage = await clock(() =>
      call('browseProfiles', { kind: 'customer', offset: Math.floor(rows / 2), limit: 25 })
    );
    const summary = await clock(() => call('summary'));
    return {
      lookupMs: lookup.ms / picks.length,
      graphMs: graph.ms / 50,
      firstPageMs: firstPage.ms,
      laterPageMs: laterPage.ms,
      summaryMs: summary.ms
    };
  }
};

export type BenchApi = typeof api;
(window as unknown as { bench: BenchApi }).bench = api;
