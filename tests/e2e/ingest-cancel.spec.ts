import { closeSync, openSync, writeSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { expectSaved, openApp, reloadApp, rowWithCell } from './helpers';

// The engine reads an upload in 1 MB chunks and checks for a cancel after each one. A file of
// about 64 chunks, cancelled as soon as the first chunk's progress shows, leaves dozens of chunks
// between the click and the end of the file on any machine: the test waits on what the screen
// shows, never on how fast rows go in.
const ROWS = 1_100_000;
const FILE = 'bulk.csv';

function writeBigCsv(path: string): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, 'person.email,person.crmId,person.name.firstName,account.balance\n');
    for (let start = 0; start < ROWS; start += 50_000) {
      const lines: string[] = [];
      for (let i = start; i < Math.min(ROWS, start + 50_000); i++)
        lines.push(`cancel.${i}@bulk.example,CRM-C${i},Name${i},${i}.5\n`);
      writeSync(fd, lines.join(''));
    }
  } finally {
    closeSync(fd);
  }
}

test('a large upload shows progress and can be cancelled, leaving the dataset unchanged', async ({
  page
}, testInfo) => {
  const path = testInfo.outputPath(FILE);
  writeBigCsv(path);

  await openApp(page, '/datasets/view/?name=CRM%20Profiles', 'CRM Profiles');
  const records = page.getByTestId('dataset-records');
  await expect(records).toHaveText(/^[\d,]+$/);
  const before = await records.innerText();

  await page.getByLabel('Choose file', { exact: true }).setInputFiles(path);
  await expect(page.getByRole('progressbar')).toBeVisible();
  // the first progress report: the first chunk is in, the rest of the file is not
  await expect(page.getByTestId('ingest-progress')).toContainText(/ of \d/);
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();

  const report = page.getByTestId('batch-report');
  await expect(report.locator('[data-status]')).toHaveText('Cancelled', { timeout: 30_000 });
  await expect(report.getByTestId('rows-ingested')).toHaveText('0');
  // it stopped part way: the cancel was not a no-op that happened to land after the last row
  const read = Number((await report.getByTestId('rows-read').innerText()).replace(/,/g, ''));
  expect(read).toBeGreaterThan(0);
  expect(read).toBeLessThan(ROWS);
  await expect(records).toHaveText(before);
  const history = page.getByRole('table', { name: 'Batch history', exact: true });
  await expect(rowWithCell(history, 'Cancelled').filter({ hasText: FILE })).toHaveCount(1);

  // Nothing of it was stored, in this tab or in what was saved.
  await expectSaved(page);
  await reloadApp(page, 'CRM Profiles');
  await expect(records).toHaveText(before);
  await expect(rowWithCell(history, 'Cancelled').filter({ hasText: FILE })).toHaveCount(1);
  await openApp(page, '/profiles/?ns=Email&id=cancel.0%40bulk.example', 'Profile');
  await expect(page.getByTestId('profile-not-found')).toBeVisible({ timeout: 30_000 });
});
