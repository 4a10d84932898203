import { expect, test } from '@playwright/test';
import { fixture, lookUpProfile, openApp, uploadToDataset } from './helpers';

test('after the engine worker crashes, the next action reopens the saved sandbox', async ({ page }) => {
  await openApp(page, '/');
  await uploadToDataset(page, 'CRM Profiles', fixture('crm-customers.csv'));
  await expect(page.getByRole('status').filter({ hasText: 'Saved in this browser' })).toBeVisible();

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
  await expect(page.getByRole('heading', { name: 'Ada Quincey' })).toBeVisible();
});
