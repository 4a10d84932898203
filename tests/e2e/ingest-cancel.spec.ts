import { expect, test } from '@playwright/test';
import { openApp } from './helpers';

// Big enough that ingest is still running when Cancel is pressed (it streams in 1 MB chunks).
function bigCsv(rows: number): Buffer {
  const lines = ['person.email,person.crmId,person.name.firstName,account.balance'];
  for (let i = 0; i < rows; i++) lines.push(`cancel.${i}@bulk.example,CRM-C${i},Name${i},${i}.5`);
  return Buffer.from(lines.join('\n'));
}

test('a large upload shows progress and can be cancelled, leaving the dataset unchanged', async ({
  page
}) => {
  await openApp(page, '/datasets/view/?name=CRM%20Profiles');
  const before = await page.getByTestId('dataset-records').textContent();

  await page.getByLabel('Choose file').setInputFiles({
    name: 'bulk.csv',
    mimeType: 'text/csv',
    buffer: bigCsv(600_000)
  });
  const progress = page.getByRole('progressbar');
  await expect(progress).toBeVisible();
  await expect(page.getByTestId('ingest-progress')).toContainText(/of \d/);
  await page.getByRole('button', { name: 'Cancel' }).click();

  const report = page.getByTestId('batch-report');
  await expect(report.locator('[data-status]')).toHaveText('Cancelled', { timeout: 30_000 });
  await expect(report.getByTestId('rows-ingested')).toHaveText('0');
  await expect(page.getByTestId('dataset-records')).toHaveText(before ?? '');
  await expect(
    page.getByRole('table', { name: 'Batch history' }).getByText('bulk.csv', { exact: true })
  ).toBeVisible();
});
