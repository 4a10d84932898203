// The budgets in node: the engine as the worker runs it, minus the worker boundary.
import Papa from 'papaparse';
import { openDatabase, type Database as SqlDb } from '../../src/lib/engine/db/sqlite';
import { openSandbox } from '../../src/lib/engine/index';
import { collectStageTimes, stageTimes } from '../../src/lib/engine/ingest/stages';
import type { BatchReport, Sandbox } from '../../src/lib/engine/types';
import { FLOORS, bareInsert, bareScan } from './baseline';
import { BARE_PREDICATE, RULE, crmIdOf, emailOf, firstFile, secondFile } from './files';
import { PeakMemory } from './memory';
import { refused, type Measurement } from './table';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed<T>(
  fn: () => Promise<T> | T
): Promise<{ out: T; ms: number; peak: ReturnType<PeakMemory['stop']> }> {
  const mem = new PeakMemory();
  const start = performance.now();
  const out = await fn();
  const ms = performance.now() - start;
  return { out, ms, peak: mem.stop() };
}

function stagesNote(): string {
  const s = stageTimes();
  if (!s) return '';
  const total = Object.values(s).reduce((a, b) => a + b, 0);
  return (
    'stages: ' +
    Object.entries(s)
      .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s (${Math.round((100 * v) / total)}%)`)
      .join(', ')
  );
}

/** Every node step at one file size; appends to `out` as it goes, so a failure keeps what was measured. */
export async function nodeSuite(rows: number, out: Measurement[]): Promise<void> {
  const add: Add = (m) => out.push({ where: 'node', rows, ...m });
  // the bare table takes both files, as the sandbox does, so both scans read what the sandbox holds
  // in memory, as the engine's own database is: the baseline stores rows as well as sql.js can
  const bareDb = await openDatabase();
  const sb = await openSandbox({ template: 'securfinancial' });
  let ingestMs: number;
  try {
    ingestMs = await firstFileSteps(sb, bareDb, rows, add);
    await interactive(sb, rows, add);
    await secondFileSteps(sb, bareDb, rows, add);
  } finally {
    collectStageTimes(false);
    bareDb.close();
    sb.close();
  }
  await generationSteps(rows, ingestMs, add);
}

/** The batch's refusal for its size, as table fields (./table.ts refused); null when it was not refused. */
const refusal = (r: BatchReport) => refused(r.errors[0]?.code ?? '', r.errors[0]?.message ?? '');

type Add = (m: Omit<Measurement, 'where' | 'rows'> & { rows?: number }) => void;

/** One evaluation of the rule, against the median of 5 bare scans of everything the bare table holds. */
async function evaluation(
  sb: Sandbox,
  bareDb: SqlDb,
  step: string,
  add: Add
): Promise<{ scan: { what: string; ms: number }; count: number }> {
  const scans: number[] = [];
  let rows = 0;
  for (let i = 0; i < 5; i++) {
    const s = await timed(() => bareScan(bareDb, BARE_PREDICATE));
    rows = s.out;
    scans.push(s.ms);
  }
  const scan = { what: 'bare scan', ms: median(scans) };
  const r = await timed(() => sb.evaluate(RULE));
  add({
    step,
    ms: r.ms,
    ...r.peak,
    baseline: scan,
    budget: { maxRatio: 3 },
    note: `${r.out.count.toLocaleString('en-US')} profiles (bare scan: ${rows.toLocaleString('en-US')} rows)`
  });
  return { scan, count: r.out.count };
}

/**
 * A file bare, then into the sandbox, each a row; the ingest's against the bare insert. Null when the
 * sandbox refused it for its size (a failed row); any other batch that did not take every row stops
 * the bench.
 */
async function fileSteps(
  sb: Sandbox,
  bareDb: SqlDb,
  file: string,
  rows: number,
  step: { bare: string; ingest: string; maxRatio: number },
  add: Add
): Promise<{ ms: number; out: BatchReport; bareMs: number } | null> {
  const bare = await timed(() => bareInsert(Papa, bareDb, file));
  add({ step: step.bare, ms: bare.ms, ...bare.peak, budget: null });
  collectStageTimes();
  const ingest = await timed(() => sb.ingest('CRM Profiles', file));
  const common = {
    step: step.ingest,
    ms: ingest.ms,
    baseline: { what: 'bare insert', ms: bare.ms },
    budget: { maxRatio: step.maxRatio }
  };
  const refused = refusal(ingest.out);
  if (refused) {
    add({ ...common, ...refused });
    return null;
  }
  if (ingest.out.rowsIngested !== rows)
    throw new Error(
      `${step.ingest} took ${ingest.out.rowsIngested} of ${rows} rows (${ingest.out.status}): ${ingest.out.errors[0]?.message ?? ''}`
    );
  const { recordsMatched, profilesCreated, profilesAfter } = ingest.out;
  const fmt = (n: number) => n.toLocaleString('en-US');
  add({
    ...common,
    ...ingest.peak,
    note: `${fmt(recordsMatched)} records matched, ${fmt(profilesCreated)} profiles new, ${fmt(profilesAfter ?? 0)} after; ${stagesNote()}`
  });
  collectStageTimes(false);
  return { ...ingest, bareMs: bare.ms };
}

/** The first file and the evaluations after it. Returns the ingest's time. */
async function firstFileSteps(sb: Sandbox, bareDb: SqlDb, rows: number, add: Add): Promise<number> {
  const steps = { bare: 'bare insert, first file', ingest: 'ingest first file', maxRatio: 3 };
  const file = firstFile(rows);
  const ingest = await fileSteps(sb, bareDb, file, rows, steps, add);
  if (!ingest) throw new Error('the first file did not fit in a sandbox: nothing after it can be measured');
  await floorSteps(file, ingest.bareMs, add);
  const { scan, count } = await evaluation(sb, bareDb, 'first audience evaluation after the upload', add);
  const later: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await timed(() => sb.evaluate(RULE));
    if (r.out.count !== count) throw new Error('audience count changed between evaluations');
    later.push(r.ms);
  }
  add({
    step: 'later audience evaluation (median of 5)',
    ms: median(later),
    baseline: scan,
    budget: { maxRatio: 3 }
  });
  return ingest.ms;
}

/** The floors (./baseline.ts): per-row storage in sql.js with no rules, against the same bare insert. */
async function floorSteps(file: string, bareMs: number, add: Add): Promise<void> {
  for (const [step, floor] of FLOORS) {
    const db = await openDatabase();
    try {
      const r = await timed(() => floor(Papa, db, file));
      add({ step, ms: r.ms, ...r.peak, baseline: { what: 'bare insert', ms: bareMs }, budget: null });
    } finally {
      db.close();
    }
  }
}

/** The second file (half its rows matching), and an evaluation over both. */
async function secondFileSteps(sb: Sandbox, bareDb: SqlDb, rows: number, add: Add): Promise<void> {
  const steps = {
    bare: 'bare insert, second file',
    ingest: 'ingest second file (half matching)',
    maxRatio: 4
  };
  if (await fileSteps(sb, bareDb, secondFile(rows), rows, steps, add))
    await evaluation(sb, bareDb, 'audience evaluation after the second file', add);
}

/** Generating into a dataset: against the first file's ingest, and against uploading what it generates. */
async function generationSteps(rows: number, ingestMs: number, add: Add): Promise<void> {
  // into a fresh sandbox, against the first file's ingest: rows a second, no fewer
  const fresh = await openSandbox({ template: 'securfinancial' });
  try {
    const gen = await timed(() => fresh.generateInto('CRM Profiles', { count: rows, seed: 11 }));
    add({
      step: 'generate into a dataset',
      ms: gen.ms,
      ...gen.peak,
      baseline: { what: 'ingest first file', ms: ingestMs },
      budget: { maxRatio: 1 },
      note: `${gen.out.status}, ${gen.out.rowsIngested.toLocaleString('en-US')} records of 18 fields`,
      ...refusal(gen.out)
    });
  } finally {
    fresh.close();
  }
  // the same records as a file, uploaded: what generating costs over ingesting what it generates
  const maker = await openSandbox({ template: 'securfinancial' });
  const sameFile = await maker.generate('CRM Profiles', { count: rows, seed: 11 });
  maker.close();
  const upload = await openSandbox({ template: 'securfinancial' });
  const generatedAgain = await openSandbox({ template: 'securfinancial' });
  try {
    const ing = await timed(() => upload.ingest('CRM Profiles', sameFile, { fileName: 'generated.csv' }));
    add({
      step: 'ingest of the generated file',
      ms: ing.ms,
      ...ing.peak,
      budget: null,
      note: `${ing.out.rowsIngested.toLocaleString('en-US')} records`,
      ...refusal(ing.out)
    });
    const gen = await timed(() => generatedAgain.generateInto('CRM Profiles', { count: rows, seed: 11 }));
    add({
      step: 'generate into a dataset, against uploading the same file',
      ms: gen.ms,
      ...gen.peak,
      baseline: { what: 'ingest of the generated file', ms: ing.ms },
      budget: { maxRatio: 1 },
      ...(refusal(gen.out) ?? refusal(ing.out))
    });
  } finally {
    upload.close();
    generatedAgain.close();
  }
}

/** The screens' calls at this size: lookup, graph, profile browser pages, overview counts. */
export async function interactive(
  sb: Pick<Sandbox, 'profile' | 'identityGraph' | 'browseProfiles' | 'summary'>,
  rows: number,
  add: Add
): Promise<void> {
  const picks = Array.from({ length: 500 }, (_, k) => (k * 7919) % rows);
  const lookup = await timed(async () => {
    for (const [k, i] of picks.entries()) {
      const p = k % 2 ? await sb.profile('CRMID', crmIdOf(i)) : await sb.profile('Email', emailOf(i));
      if (!p) throw new Error(`no profile for person ${i}`);
    }
  });
  add({
    step: 'profile lookup by identity (mean of 500)',
    ms: lookup.ms / picks.length,
    budget: { maxMs: 10 }
  });
  const graphs = picks.slice(0, 100);
  const graph = await timed(async () => {
    for (const i of graphs) if (!(await sb.identityGraph('Email', emailOf(i)))) throw new Error('no graph');
  });
  add({ step: 'identity graph (mean of 100)', ms: graph.ms / graphs.length, budget: { maxMs: 50 } });
  const firstPage = await timed(() => sb.browseProfiles({ kind: 'customer', limit: 25 }));
  add({ step: 'profile browser, first page', ms: firstPage.ms, budget: { maxMs: 100 } });
  const laterPage = await timed(() =>
    sb.browseProfiles({ kind: 'customer', offset: Math.floor(rows / 2), limit: 25 })
  );
  add({ step: 'profile browser, a page halfway', ms: laterPage.ms, budget: { maxMs: 100 } });
  const summary = await timed(() => sb.summary());
  add({ step: 'overview counts', ms: summary.ms, budget: { maxMs: 200 } });
}
