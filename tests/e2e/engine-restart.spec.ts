import { expect, test } from '@playwright/test';
import { DEMO, fixture, lookUpProfile, openApp, profileName, uploadToDataset } from './helpers';

test('after the engine worker crashes, the next action reopens the saved sandbox', async ({ page }) => {
  await openApp(page, '/', DEMO);
  const report = await uploadToDataset(page, 'CRM Profiles', fixture('crm-customers.csv'));
  await expect(report.locator('[data-status]')).toHaveText('Success');

  const engine = page.workers().find((w) => w.url().includes('engine.worker'));
  expect(engine).toBeDefined();
  // An uncaught error in the worker, as a wasm crash or a bug would raise.
  await engine?.evaluate(() => {
    setTimeout(() => {
      throw new Error('simulated engine crash');
    }, 0);
  });
  await expect.poll(() => page.workers().filter((w) => w.url().includes('engine.worker')).length).toBe(0);

  await lookUpProfile(page, 'CRMID', 'CRM-900001');
  await expect(profileName(page, 'Ada Quincey')).toBeVisible();
});
