import { expect, test } from '@playwright/test';
import { DEMO, lookUpProfile, onScreen, openApp, profileName, sandboxSwitcher } from './helpers';

test('the first visit opens the SecurFinancial demo sandbox with Bobby Brown findable', async ({ page }) => {
  await openApp(page, '/', DEMO);
  await expect(sandboxSwitcher(page).locator('option:checked')).toHaveText(DEMO);
  // a number that is not zero (a tile not drawn yet would pass a "not 0" check)
  await expect(page.getByTestId('count-profiles')).toHaveText(/^[1-9][\d,]*$/);
  await expect(page.getByTestId('count-datasets')).toHaveText('2');

  await lookUpProfile(page, 'Email', 'bobby.brown@example.com');
  await expect(profileName(page, 'Bobby Brown')).toBeVisible();
  await expect(page.getByTestId('linked-identities')).toContainText('CRM-100042');
  await expect(page.getByTestId('outside-identities')).toContainText('PTR-7781BB01');
  await expect(
    page.getByTestId('partner-enrichment').locator('[data-path="partner.netWorth"]')
  ).toBeVisible();
});

test('the identity search finds Bobby Brown and links to his profile', async ({ page }) => {
  await openApp(page, '/identities/', 'Identities');
  await page.getByLabel('Search identities', { exact: true }).fill('bobby.brown');
  const matches = page.getByRole('table', { name: 'Matching identities', exact: true });
  const bobby = matches
    .getByRole('row')
    .filter({ has: page.getByText('bobby.brown@example.com', { exact: true }) });
  await expect(bobby).toHaveCount(1);
  await bobby.getByRole('link').click();
  await onScreen(page, 'Profile');
  await expect(profileName(page, 'Bobby Brown')).toBeVisible();
});

test('the profile browser keeps customers and prospects apart', async ({ page }) => {
  await openApp(page, '/profiles/', 'Profiles');
  await expect(page.getByRole('button', { name: 'Customers (300)', exact: true })).toHaveAttribute(
    'aria-pressed',
    'true'
  );
  await expect(page.getByRole('table', { name: 'Customers', exact: true }).getByRole('row')).toHaveCount(21);
  await page.getByRole('button', { name: 'Prospects (40)', exact: true }).click();
  // the table is named after the tab at once; its rows are the prospects once one shows a partner id
  const prospects = page.getByRole('table', { name: 'Prospects', exact: true });
  await expect(prospects).toContainText('PartnerID');
  const firstRow = prospects.getByRole('row').nth(1);
  const firstOfNewest = await firstRow.innerText();

  await page.getByRole('button', { name: 'Older', exact: true }).click();
  // The pager's text follows the click at once, the rows when the next page has loaded.
  await expect(page.getByText('21–40 of 40', { exact: true })).toBeVisible();
  await expect(firstRow).not.toHaveText(firstOfNewest);
  await expect(prospects.getByRole('row')).toHaveCount(21);
  await firstRow.getByRole('link').click();
  await onScreen(page, 'Profile');
  await expect(page.getByTestId('profile-kind')).toHaveText('Prospect');
});

test('the profile API console answers a lookup and an identity search as JSON', async ({ page }) => {
  await openApp(page, '/profiles/api/', 'Profile API');
  const form = page.getByRole('form', { name: 'API request', exact: true });
  const send = form.getByRole('button', { name: 'Send', exact: true });
  const response = page.getByTestId('api-response');

  await form.getByLabel('Namespace', { exact: true }).selectOption('CRMID');
  await form.getByLabel('Id', { exact: true }).fill('CRM-100042');
  await send.click();
  await expect(page.getByText("profile('CRMID', 'CRM-100042')", { exact: true })).toBeVisible();
  await expect(response).toContainText('"partner.netWorth": 2450000');
  await expect(response).toContainText('"calculated": {}');

  // Each answer is told from the one before by its shape, never by text both could hold:
  // the profile above lists a PartnerID identity too.
  await form.getByLabel('Call', { exact: true }).selectOption('searchIdentities');
  await form.getByLabel('Text', { exact: true }).fill('PTR-7781');
  await send.click();
  await expect(response).toHaveText(/^\[[\s\S]*"namespace": "PartnerID"/);

  await form.getByLabel('Call', { exact: true }).selectOption('profile');
  await form.getByLabel('Namespace', { exact: true }).selectOption('Email');
  await form.getByLabel('Id', { exact: true }).fill('nobody@example.com');
  await send.click();
  await expect(response).toHaveText('null');
});
