import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { fixture, openApp, rowWithCell, uploadToDataset } from './helpers';

test('a file with too many bad rows is rejected whole and lists its errors by row and column', async ({
  page
}) => {
  await openApp(page, '/datasets/', 'Datasets');
  const records = page
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name: 'CRM Profiles', exact: true }) })
    .getByRole('cell')
    .nth(3);
  await expect(records).toHaveText(/^[\d,]+$/);
  const before = await records.innerText();

  const report = await uploadToDataset(page, 'CRM Profiles', fixture('crm-bad.csv'));
  await expect(report.locator('[data-status]')).toHaveText('Failed');
  await expect(report.getByTestId('rows-read')).toHaveText('12');
  await expect(report.getByTestId('rows-ingested')).toHaveText('0');
  await expect(
    report.getByText('Too many bad rows: the whole batch was rejected and the dataset is unchanged.', {
      exact: true
    })
  ).toBeVisible();

  const errors = report.getByRole('table', { name: 'Rows that failed', exact: true });
  const expected: [string, string, string][] = [
    ['2', 'account.balance', 'NOT_A_NUMBER'],
    ['4', 'account.hasAdvisor', 'NOT_A_BOOLEAN'],
    ['6', 'account.tier', 'NOT_IN_ENUM'],
    ['8', 'person.birthDate', 'NOT_A_DATE']
  ];
  for (const [row, column, code] of expected) {
    const line = rowWithCell(errors, code);
    await expect(line.getByRole('cell').nth(0)).toHaveText(row);
    await expect(line.getByRole('cell').nth(1)).toHaveText(column);
  }
  await expect(rowWithCell(errors, 'NO_IDENTITY').getByRole('cell').first()).toHaveText('10');

  const downloading = page.waitForEvent('download');
  await report.getByRole('button', { name: 'Download errors (CSV)', exact: true }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('crm-bad-errors.csv');
  const csv = await readFile((await download.path()) ?? '', 'utf8');
  expect(csv.split(/\r?\n/)[0]).toBe('row,column,code,message');
  expect(csv).toContain('2,account.balance,NOT_A_NUMBER');

  // Nothing from the rejected batch landed, and the failed batch is still listed for monitoring.
  await expect(
    page.getByRole('table', { name: 'Batch history', exact: true }).getByText('crm-bad.csv', { exact: true })
  ).toBeVisible();
  await openApp(page, '/datasets/', 'Datasets');
  await expect(records).toHaveText(before);
});
