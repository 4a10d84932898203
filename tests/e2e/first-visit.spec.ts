import { expect, test } from '@playwright/test';
import { lookUpProfile, openApp } from './helpers';

test('the first visit opens the SecurFinancial demo sandbox with Bobby Brown findable', async ({ page }) => {
  await openApp(page, '/');
  await expect(page.getByLabel('Sandbox', { exact: true }).locator('option:checked')).toHaveText(
    'SecurFinancial demo'
  );
  await expect(page.getByRole('heading', { level: 1, name: 'SecurFinancial demo' })).toBeVisible();
  await expect(page.getByTestId('count-profiles')).not.toHaveText('0');
  await expect(page.getByTestId('count-datasets')).toHaveText('2');

  await lookUpProfile(page, 'Email', 'bobby.brown@example.com');
  await expect(page.getByRole('heading', { name: 'Bobby Brown' })).toBeVisible();
  await expect(page.getByTestId('linked-identities')).toContainText('CRM-100042');
  await expect(page.getByTestId('outside-identities')).toContainText('PTR-7781BB01');
  await expect(
    page.getByTestId('partner-enrichment').locator('[data-path="partner.netWorth"]')
  ).toBeVisible();
});

test('the identity search finds Bobby Brown and links to his profile', async ({ page }) => {
  await openApp(page, '/identities/');
  await page.getByLabel('Search identities').fill('bobby.brown');
  const matches = page.getByRole('table', { name: 'Matching identities' });
  await expect(matches.getByText('bobby.brown@example.com')).toBeVisible();
  await matches.getByRole('row').filter({ hasText: 'bobby.brown@example.com' }).getByRole('link').click();
  await expect(page.getByRole('heading', { name: 'Bobby Brown' })).toBeVisible();
});

test('the profile browser keeps customers and prospects apart', async ({ page }) => {
  await openApp(page, '/profiles/');
  await expect(page.getByRole('button', { name: 'Customers (300)' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('table', { name: 'Customers' }).getByRole('row')).toHaveCount(21);
  await page.getByRole('button', { name: 'Prospects (40)' }).click();
  const prospects = page.getByRole('table', { name: 'Prospects' });
  await expect(prospects).toContainText('PartnerID');
  await page.getByRole('button', { name: 'Older' }).click();
  await expect(page.getByText('21–40 of 40')).toBeVisible();
  await prospects.getByRole('row').nth(1).getByRole('link').click();
  await expect(page.getByTestId('profile-kind')).toHaveText('Prospect');
});

test('the profile API console answers a lookup and an identity search as JSON', async ({ page }) => {
  await openApp(page, '/profiles/api/');
  await page.getByLabel('Namespace').selectOption('CRMID');
  await page.getByLabel('Id', { exact: true }).fill('CRM-100042');
  await page.getByRole('button', { name: 'Send' }).click();
  const response = page.getByTestId('api-response');
  await expect(response).toContainText('"partner.netWorth": 2450000');
  await expect(response).toContainText('"calculated": {}');
  await expect(page.getByText("profile('CRMID', 'CRM-100042')")).toBeVisible();

  await page.getByLabel('Call').selectOption('searchIdentities');
  await page.getByLabel('Text').fill('PTR-7781');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(response).toContainText('"namespace": "PartnerID"');

  await page.getByLabel('Call').selectOption('profile');
  await page.getByLabel('Namespace').selectOption('Email');
  await page.getByLabel('Id', { exact: true }).fill('nobody@example.com');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(response).toHaveText('null');
});
