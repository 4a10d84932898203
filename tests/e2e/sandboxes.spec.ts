import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import {
  createSandbox,
  DEMO,
  fixture,
  onScreen,
  openApp,
  openNav,
  reloadApp,
  rowWithCell,
  sandboxSwitcher,
  uploadToDataset
} from './helpers';

test('sandboxes can be exported, imported, switched, reset and deleted', async ({ page }) => {
  await createSandbox(page, 'E2E export', 'securfinancial');
  const report = await uploadToDataset(page, 'CRM Profiles', fixture('crm-customers.csv'));
  await expect(report.getByTestId('rows-ingested')).toHaveText('12');

  await openNav(page, 'Sandboxes');
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export E2E export as .sqlite', exact: true }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('E2E-export.sqlite');
  const path = await download.path();

  await page.getByLabel('Import a sandbox from a .sqlite file', { exact: true }).setInputFiles({
    name: 'Imported bank.sqlite',
    mimeType: 'application/vnd.sqlite3',
    buffer: await readFile(path ?? '')
  });
  await expect(
    page.getByText('Imported "Imported bank.sqlite" as sandbox "Imported bank"; it is now active.', {
      exact: true
    })
  ).toBeVisible({ timeout: 30_000 });
  await expect(sandboxSwitcher(page).locator('option:checked')).toHaveText('Imported bank');
  await openApp(page, '/datasets/view/?name=CRM%20Profiles', 'CRM Profiles');
  // the template's 300 sample customers and the 12 uploaded ones
  await expect(page.getByTestId('dataset-records')).toHaveText('312');
  const history = page.getByRole('table', { name: 'Batch history', exact: true });
  await expect(history.getByText('crm-customers.csv', { exact: true })).toBeVisible();

  // Switching from the top bar changes what every screen shows.
  await sandboxSwitcher(page).selectOption({ label: DEMO });
  await expect(page.getByTestId('dataset-records')).toHaveText('300');
  await expect(history.getByText('crm-customers.csv', { exact: true })).toBeHidden();

  await openNav(page, 'Sandboxes');
  await page.getByRole('button', { name: 'Reset Imported bank', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Reset', exact: true }).click();
  await expect(
    page.getByText('Reset "Imported bank" to its securfinancial template.', { exact: true })
  ).toBeVisible({ timeout: 30_000 });

  await page.getByRole('button', { name: 'Delete E2E export', exact: true }).click();
  await expect(page.getByRole('dialog')).toContainText('"E2E export" and all its data will be removed');
  await page.getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page.getByText('Deleted "E2E export".', { exact: true })).toBeVisible();
  const rows = page.getByTestId('sandbox-row');
  await expect(rows.filter({ hasText: 'E2E export' })).toHaveCount(0);

  await reloadApp(page, 'Sandboxes');
  await expect(rows).toHaveCount(2, { timeout: 30_000 });
  for (const name of [DEMO, 'Imported bank'])
    await expect(rows.filter({ has: page.getByText(name, { exact: true }) })).toHaveCount(1);
});

test('a schema, a dataset and a namespace created in the UI are usable right away', async ({ page }) => {
  await createSandbox(page, 'E2E catalog', 'empty');

  await openNav(page, 'Identities');
  const namespaceForm = page.getByRole('form', { name: 'Create a custom namespace', exact: true });
  await namespaceForm.getByLabel('Identity symbol (code)', { exact: true }).fill('LoyaltyID');
  await namespaceForm.getByLabel('Display name', { exact: true }).fill('Loyalty member id');
  await namespaceForm.getByLabel('Type', { exact: true }).selectOption('person');
  await namespaceForm.getByRole('button', { name: 'Create namespace', exact: true }).click();
  await expect(
    page
      .getByRole('table', { name: 'Identity namespaces', exact: true })
      .getByText('LoyaltyID', { exact: true })
  ).toBeVisible();

  await openNav(page, 'Schemas');
  await page.getByRole('link', { name: 'Create schema', exact: true }).click();
  await onScreen(page, 'Create schema');
  await page.getByLabel('Schema name', { exact: true }).fill('Loyalty Member');
  await page.getByRole('button', { name: 'Add field', exact: true }).click();
  await page.getByLabel('Field 3 path', { exact: true }).fill('loyalty.memberId');
  await page.getByLabel('Field 3 identity namespace', { exact: true }).selectOption('LoyaltyID');
  await page.getByRole('button', { name: 'Create schema', exact: true }).click();
  await onScreen(page, 'Loyalty Member');
  await expect(rowWithCell(page, 'loyalty.memberId')).toContainText('LoyaltyID');

  await openNav(page, 'Datasets');
  const datasetForm = page.getByRole('form', { name: 'Create a dataset', exact: true });
  await datasetForm.getByLabel('Name', { exact: true }).fill('Loyalty Members');
  await datasetForm.getByLabel('Schema', { exact: true }).selectOption('Loyalty Member');
  await datasetForm.getByRole('button', { name: 'Create dataset', exact: true }).click();
  await onScreen(page, 'Loyalty Members');

  await page.getByLabel('Choose file', { exact: true }).setInputFiles({
    name: 'members.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('person.email,person.name.firstName,loyalty.memberId\nzoe@loyal.example,Zoe,L-1\n')
  });
  await expect(page.getByTestId('batch-report').getByTestId('rows-ingested')).toHaveText('1');
});
