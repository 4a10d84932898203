import { expect, test } from '@playwright/test';
import { createSandbox, fixture, navLink, uploadToDataset } from './helpers';

test('sandboxes can be exported, imported, switched, reset and deleted', async ({ page }) => {
  await createSandbox(page, 'E2E export', 'securfinancial');
  const report = await uploadToDataset(page, 'CRM Profiles', fixture('crm-customers.csv'));
  await expect(report.getByTestId('rows-ingested')).toHaveText('12');

  await navLink(page, 'Sandboxes').click();
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export E2E export as .sqlite' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('E2E-export.sqlite');
  const path = await download.path();

  await page.locator('#import-sandbox').setInputFiles({
    name: 'Imported bank.sqlite',
    mimeType: 'application/vnd.sqlite3',
    buffer: await import('node:fs/promises').then((fs) => fs.readFile(path ?? ''))
  });
  await expect(page.getByText('Imported "Imported bank.sqlite" as sandbox "Imported bank"')).toBeVisible({
    timeout: 30_000
  });
  await expect(page.getByLabel('Sandbox', { exact: true }).locator('option:checked')).toHaveText(
    'Imported bank'
  );
  await page.goto('/datasets/view/?name=CRM%20Profiles');
  // the template's 300 sample customers and the 12 uploaded ones
  await expect(page.getByTestId('dataset-records')).toHaveText('312');

  // Switching from the top bar changes what every screen shows.
  await page.getByLabel('Sandbox', { exact: true }).selectOption({ label: 'SecurFinancial demo' });
  await expect(
    page.getByRole('table', { name: 'Batch history' }).getByText('crm-customers.csv', { exact: true })
  ).toBeHidden();

  await navLink(page, 'Sandboxes').click();
  await page.getByRole('button', { name: 'Reset Imported bank' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Reset' }).click();
  await expect(page.getByText('Reset "Imported bank" to its securfinancial template.')).toBeVisible({
    timeout: 30_000
  });

  await page.getByRole('button', { name: 'Delete E2E export' }).click();
  await expect(page.getByRole('dialog')).toContainText('"E2E export" and all its data will be removed');
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByText('Deleted "E2E export".')).toBeVisible();
  await expect(page.getByTestId('sandbox-row').filter({ hasText: 'E2E export' })).toHaveCount(0);

  await page.reload();
  await expect(page.getByTestId('sandbox-row')).toHaveCount(2, { timeout: 30_000 });
});

test('a schema, a dataset and a namespace created in the UI are usable right away', async ({ page }) => {
  await createSandbox(page, 'E2E catalog', 'empty');

  await navLink(page, 'Identities').click();
  await page.getByLabel('Identity symbol (code)').fill('LoyaltyID');
  await page.getByLabel('Display name').fill('Loyalty member id');
  await page.getByLabel('Type').selectOption('person');
  await page.getByRole('button', { name: 'Create namespace' }).click();
  await expect(page.getByRole('table', { name: 'Identity namespaces' }).getByText('LoyaltyID')).toBeVisible();

  await navLink(page, 'Schemas').click();
  await page.getByRole('link', { name: 'Create schema' }).click();
  await page.getByLabel('Schema name').fill('Loyalty Member');
  await page.getByRole('button', { name: 'Add field' }).click();
  await page.getByLabel('Field 3 path').fill('loyalty.memberId');
  await page.getByLabel('Field 3 identity namespace').selectOption('LoyaltyID');
  await page.getByRole('button', { name: 'Create schema' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Loyalty Member' })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: 'loyalty.memberId' })).toContainText('LoyaltyID');

  await navLink(page, 'Datasets').click();
  await page.getByLabel('Name', { exact: true }).fill('Loyalty Members');
  await page.getByLabel('Schema').selectOption('Loyalty Member');
  await page.getByRole('button', { name: 'Create dataset' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Loyalty Members' })).toBeVisible();

  await page.getByLabel('Choose file').setInputFiles({
    name: 'members.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('person.email,person.name.firstName,loyalty.memberId\nzoe@loyal.example,Zoe,L-1\n')
  });
  await expect(page.getByTestId('batch-report').getByTestId('rows-ingested')).toHaveText('1');
});
