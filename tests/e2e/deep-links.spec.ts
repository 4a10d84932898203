import { expect, test } from '@playwright/test';
import { openApp } from './helpers';

test('a direct URL to a deep route works, and keeps working on reload', async ({ page }) => {
  await openApp(page, '/schemas/view/?name=Partner%20Data%20Enrichment');
  await expect(page.getByRole('heading', { level: 1, name: 'Partner Data Enrichment' })).toBeVisible();
  const netWorth = page.getByRole('row').filter({ hasText: 'partner.netWorth' });
  await expect(netWorth).toContainText('THIRD_PARTY');
  await expect(page.getByRole('row').filter({ hasText: 'partner.partnerId' })).toContainText('PartnerID');

  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Partner Data Enrichment' })).toBeVisible();

  await openApp(page, '/datasets/view/?name=CRM%20Profiles');
  await expect(page.getByRole('heading', { level: 1, name: 'CRM Profiles' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Expected columns' })).toBeVisible();

  await openApp(page, '/profiles/?ns=CRMID&id=CRM-100042');
  await expect(page.getByRole('heading', { name: 'Bobby Brown' })).toBeVisible();
});

test('an unknown dataset or profile says so instead of failing', async ({ page }) => {
  await openApp(page, '/datasets/view/?name=Nope');
  await expect(page.getByRole('alert')).toContainText('No dataset named "Nope"');
  await openApp(page, '/profiles/?ns=Email&id=nobody%40nowhere.example');
  await expect(page.getByTestId('profile-not-found')).toBeVisible();
  await openApp(page, '/audiences/view/?name=Nope');
  await expect(page.getByRole('status').filter({ hasText: 'No audience named' })).toContainText('Nope');
});

test('coming-soon screens describe what they will do', async ({ page }) => {
  for (const [path, title] of [
    ['/policies/', 'Policies'],
    ['/destinations/', 'Destinations']
  ]) {
    await openApp(page, path);
    await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
    await expect(page.getByText('Coming soon')).toBeVisible();
  }
});
