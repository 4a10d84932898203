import { expect, test } from '@playwright/test';
import { createSandbox, lookUpProfile, navLink, openApp } from './helpers';

test('the demo audience is there with its members, and a new one built in the editor counts exactly and saves', async ({
  page
}) => {
  await openApp(page, '/');
  await navLink(page, 'Audiences').click();
  const shipped = page.getByTestId('audience-row').filter({ hasText: 'High earning homeowner prospects' });
  await expect(shipped.getByTestId('audience-size')).toHaveText(/^\d+$/);
  const shippedSize = Number(await shipped.getByTestId('audience-size').innerText());
  expect(shippedSize).toBeGreaterThan(0);

  // the example is the demo's rule: the live count agrees with the saved audience
  await page.getByRole('button', { name: 'High earning homeowner prospects' }).click();
  await expect(page.getByLabel('Rule')).toHaveValue(/partner\.netWorth > 1000000/);
  const preview = page.getByTestId('audience-preview-count');
  await expect(preview.locator('.count')).toHaveText(String(shippedSize));

  // dropping the advisor clause widens it
  await page.getByLabel('Rule').fill('partner.netWorth > 1000000 and partner.mortgagePropensity >= 0.7');
  await expect(async () => {
    const wider = Number((await preview.locator('.count').innerText()).replace(/,/g, ''));
    expect(wider).toBeGreaterThan(shippedSize);
  }).toPass();
  const count = Number((await preview.locator('.count').innerText()).replace(/,/g, ''));

  await page.getByLabel('Name', { exact: true }).fill('Wealthy refinance candidates');
  await page.getByRole('button', { name: 'Save audience' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Wealthy refinance candidates' })).toBeVisible();
  await expect(page.getByTestId('audience-count')).toHaveText(String(count));
  // every member of the demo audience is in this wider one
  const overlap = page.getByTestId('overlap-row').filter({ hasText: 'High earning homeowner prospects' });
  await expect(overlap.getByTestId('overlap-shared')).toHaveText(String(shippedSize));
  const members = page.getByTestId('audience-members').getByRole('link');
  await expect(members).toHaveCount(Math.min(count, 200));

  await members.first().click();
  await expect(page.getByTestId('profile-id')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole('link', { name: 'Wealthy refinance candidates' })).toBeVisible();

  await navLink(page, 'Audiences').click();
  await expect(page.getByTestId('audience-row')).toHaveCount(2);

  await page.getByRole('link', { name: 'Wealthy refinance candidates' }).click();
  await page.getByRole('button', { name: 'Delete audience' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Audiences' })).toBeVisible();
  await expect(page.getByTestId('audience-row')).toHaveText([/High earning homeowner prospects/]);
});

test('Bobby Brown’s profile lists the demo audience', async ({ page }) => {
  await openApp(page, '/');
  await lookUpProfile(page, 'Email', 'bobby.brown@example.com');
  await page.getByRole('link', { name: 'High earning homeowner prospects' }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: 'High earning homeowner prospects' })
  ).toBeVisible();
  await expect(page.getByTestId('audience-rule')).toContainText('not account.hasAdvisor');
});

test('a mistake in a rule is pointed at by line and column, with the attribute meant', async ({ page }) => {
  await openApp(page, '/audiences/');
  await page.getByLabel('Rule').fill('partner.homeowner and\npartner.netWorht > 1000000');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Line 2, column 1');
  await expect(alert).toContainText('Did you mean partner.netWorth?');
});

test('retail: an audience on a calculated attribute', async ({ page }) => {
  await createSandbox(page, 'E2E retail audiences', 'retail');
  await navLink(page, 'Audiences').click();
  await expect(page.getByTestId('audience-row')).toHaveText([/Frequent cart abandoners/, /Loyal customers/]);
  await page.getByRole('button', { name: 'Frequent cart abandoners' }).click();
  await expect(page.getByLabel('Rule')).toHaveValue('calc.cartAbandons30d >= 3');
  await expect(page.getByTestId('audience-preview-count')).toContainText(/\d+ profiles? match/);
  await page.getByRole('button', { name: 'Abandoned checkouts (events)' }).click();
  await expect(page.getByTestId('audience-preview-count')).toContainText(/\d+ profiles? match/);
});
