import { expect, test } from '@playwright/test';
import { createSandbox, navLink, openApp } from './helpers';

test('an audience built in the rule editor counts exactly, saves, and shows on its members’ profiles', async ({
  page
}) => {
  await openApp(page, '/');
  await navLink(page, 'Audiences').click();
  await page.getByRole('button', { name: 'High earning homeowner prospects' }).click();
  await expect(page.getByLabel('Rule')).toHaveValue(/partner\.netWorth > 1000000/);
  const preview = page.getByTestId('audience-preview-count');
  await expect(preview).toContainText(/\d+ profiles? match/);
  const count = Number((await preview.locator('.count').innerText()).replace(/,/g, ''));
  expect(count).toBeGreaterThan(0);

  // narrowing the rule narrows the count
  await page.getByLabel('Rule').fill('partner.netWorth > 1000000 and partner.homeowner');
  await expect(preview).not.toContainText(/updating/);
  await expect(async () => {
    const wider = Number((await preview.locator('.count').innerText()).replace(/,/g, ''));
    expect(wider).toBeGreaterThanOrEqual(count);
  }).toPass();
  await page.getByRole('button', { name: 'High earning homeowner prospects' }).click();
  await expect(preview.locator('.count')).toHaveText(String(count));

  await page.getByLabel('Name', { exact: true }).fill('High earning homeowner prospects');
  await page.getByRole('button', { name: 'Save audience' }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: 'High earning homeowner prospects' })
  ).toBeVisible();
  await expect(page.getByTestId('audience-count')).toHaveText(String(count));
  const members = page.getByTestId('audience-members').getByRole('link');
  await expect(members).toHaveCount(Math.min(count, 200));

  await members.first().click();
  await expect(page.getByTestId('profile-id')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole('link', { name: 'High earning homeowner prospects' })).toBeVisible();

  await navLink(page, 'Audiences').click();
  await expect(page.getByTestId('audience-row')).toHaveCount(1);
  await expect(page.getByTestId('audience-size')).toHaveText(String(count));
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
  await page.getByRole('button', { name: 'Frequent cart abandoners' }).click();
  await expect(page.getByLabel('Rule')).toHaveValue('calc.cartAbandons30d >= 3');
  await expect(page.getByTestId('audience-preview-count')).toContainText(/\d+ profiles? match/);
  await page.getByRole('button', { name: 'Abandoned checkouts (events)' }).click();
  await expect(page.getByTestId('audience-preview-count')).toContainText(/\d+ profiles? match/);
});
