// The performance budgets (docs/ARCHITECTURE.md, "Budgets"), measured as ratios against bare baselines
// in the same run, never as absolute times, in node and in headless Chromium: `npm run bench`.
//   BENCH_SIZES=100000,1000000  file sizes (rows) to run every step at
//   BENCH_WHERE=node,chromium   where to run them
//   BENCH_OUT=bench-results.json  the table as JSON
//   BENCH_SMOKE=1               a quick run that proves the bench works: 10,000 rows, budgets reported
//                               but not enforced (CI runs it; timings on a shared machine prove nothing)
import { browserSuite } from './bench/browser';
import { generationMemory } from './bench/generation';
import { nodeSuite } from './bench/node';
import { judge, printTable, writeJson, type Measurement } from './bench/table';

const smoke = process.env.BENCH_SMOKE === '1';
const sizes = (process.env.BENCH_SIZES ?? (smoke ? '10000' : '100000,1000000'))
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n > 0);
const where = new Set((process.env.BENCH_WHERE ?? 'node,chromium').split(',').map((s) => s.trim()));
const outFile = process.env.BENCH_OUT ?? 'bench-results.json';

const measurements: Measurement[] = [];
let failure: unknown = null;
try {
  for (const [k, rows] of sizes.entries()) {
    if (where.has('node')) {
      console.log(`node, ${rows.toLocaleString('en-US')} rows…`);
      await nodeSuite(rows, measurements);
      await generationMemory(rows, measurements);
    }
    if (where.has('chromium')) {
      console.log(`chromium, ${rows.toLocaleString('en-US')} rows…`);
      await browserSuite(rows, measurements, { uiChecks: k === 0 });
    }
  }
} catch (e) {
  // what was measured before the failure is still printed and written
  failure = e;
}

const judged = measurements.map(judge);
printTable(judged);
writeJson(outFile, judged, { date: new Date().toISOString(), sizes, smoke, node: process.version });
const over = judged.filter((r) => r.ok === false);
console.log(`${judged.filter((r) => r.ok).length} within budget, ${over.length} over; written to ${outFile}`);
for (const r of judged.filter((m) => m.note))
  console.log(`- ${r.where} ${r.rows.toLocaleString('en-US')} ${r.step}: ${r.note}`);
if (failure) {
  console.error(failure);
  process.exitCode = 2;
} else if (over.length && !smoke) process.exitCode = 1;
