import { expect, test } from '@playwright/test';
import {
  DEMO,
  expectSaved,
  fixture,
  lookUpProfile,
  openApp,
  profileName,
  uploadToDataset,
  writeBigCrmCsv
} from './helpers';

test('after the engine worker crashes, the next action reopens the saved sandbox', async ({ page }) => {
  await openApp(page, '/', DEMO);
  const report = await uploadToDataset(page, 'CRM Profiles', fixture('crm-customers.csv'));
  await expect(report.locator('[data-status]')).toHaveText('Success');

  const engine = page.workers().find((w) => w.url().includes('engine.worker'));
  expect(engine).toBeDefined();
  // the page starts a new engine at once, so the crashed one is followed by its own close event
  const closed = new Promise<void>((done) => engine?.once('close', () => done()));
  // An uncaught error in the worker, as a wasm crash or a bug would raise.
  await engine?.evaluate(() => {
    setTimeout(() => {
      throw new Error('simulated engine crash');
    }, 0);
  });
  await closed;
  await expect(
    page.getByText(
      'The engine stopped unexpectedly (Error: simulated engine crash) and was restarted; your last saved state was reopened.',
      { exact: true }
    )
  ).toBeVisible();

  await lookUpProfile(page, 'CRMID', 'CRM-900001');
  await expect(profileName(page, 'Ada Quincey')).toBeVisible();
});

test('the engine worker dying mid-upload fails that upload, restarts, reopens the saved sandbox and says so', async ({
  page
}, testInfo) => {
  test.setTimeout(120_000);
  const file = testInfo.outputPath('crm.csv');
  await writeBigCrmCsv(file, 200_000);
  const report = await uploadToDataset(page, 'CRM Profiles', fixture('crm-customers.csv'));
  await expect(report.locator('[data-status]')).toHaveText('Success');
  const records = page.getByTestId('dataset-records');
  const before = await records.innerText();

  await page.getByLabel('Choose file', { exact: true }).setInputFiles(file);
  await expect(page.getByTestId('ingest-progress')).toContainText(/ of \d/);
  const engine = page.workers().find((w) => w.url().includes('engine.worker'));
  expect(engine).toBeDefined();
  // thrown between two chunks of the upload, uncaught, as a wasm abort or a bug would be
  await engine?.evaluate(() => {
    setTimeout(() => {
      throw new Error('simulated engine crash');
    }, 0);
  });

  // the call that was running says why it failed ...
  await expect(
    page
      .getByRole('alert')
      .getByText(
        'The engine stopped unexpectedly (Error: simulated engine crash). Your last saved state will be reopened.',
        { exact: true }
      )
  ).toBeVisible();
  // ... and the page says the engine restarted, from what was saved, without the upload
  await expect(
    page.getByText(
      'The engine stopped unexpectedly (Error: simulated engine crash) and was restarted; your last saved state was reopened. The upload of crm.csv into "CRM Profiles" was interrupted; nothing of it was kept.',
      { exact: true }
    )
  ).toBeVisible();
  await expectSaved(page);
  await expect(records).toHaveText(before);

  await lookUpProfile(page, 'CRMID', 'CRM-900001');
  await expect(profileName(page, 'Ada Quincey')).toBeVisible();
  await openApp(page, '/profiles/?ns=CRMID&id=CRM-B0', 'Profile');
  await expect(page.getByTestId('profile-not-found')).toBeVisible({ timeout: 30_000 });
});
