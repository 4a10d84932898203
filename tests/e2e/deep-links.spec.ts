import { expect, test } from '@playwright/test';
import { openApp, profileName, reloadApp, rowWithCell } from './helpers';

test('a direct URL to a deep route works, and keeps working on reload', async ({ page }) => {
  await openApp(page, '/schemas/view/?name=Partner%20Data%20Enrichment', 'Partner Data Enrichment');
  await expect(rowWithCell(page, 'partner.netWorth')).toContainText('THIRD_PARTY');
  await expect(rowWithCell(page, 'partner.partnerId')).toContainText('PartnerID');

  await reloadApp(page, 'Partner Data Enrichment');
  await expect(rowWithCell(page, 'partner.netWorth')).toContainText('THIRD_PARTY');

  await openApp(page, '/datasets/view/?name=CRM%20Profiles', 'CRM Profiles');
  await expect(page.getByRole('heading', { name: 'Expected columns', exact: true })).toBeVisible();

  await openApp(page, '/profiles/?ns=CRMID&id=CRM-100042', 'Profile');
  await expect(profileName(page, 'Bobby Brown')).toBeVisible();
});

test('an unknown dataset or profile says so instead of failing', async ({ page }) => {
  await openApp(page, '/datasets/view/?name=Nope', 'Nope');
  await expect(page.getByRole('alert')).toContainText('No dataset named "Nope"');
  await openApp(page, '/profiles/?ns=Email&id=nobody%40nowhere.example', 'Profile');
  await expect(page.getByTestId('profile-not-found')).toBeVisible();
  await openApp(page, '/audiences/view/?name=Nope', 'Nope');
  await expect(page.getByRole('status').filter({ hasText: 'No audience named' })).toContainText('Nope');
});

test('governance and activation screens open from a direct URL and on reload', async ({ page }) => {
  await openApp(page, '/destinations/view/?id=braze', 'Braze');
  await reloadApp(page, 'Braze');
  await openApp(
    page,
    '/destinations/activate/?destination=email-marketing&audience=High%20earning%20homeowner%20prospects',
    'Activate audiences'
  );
  await reloadApp(page, 'Activate audiences');
  await openApp(page, '/policies/', 'Policies');
  await reloadApp(page, 'Policies');
});
