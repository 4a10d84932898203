import { expect, test } from '@playwright/test';
import { createSandbox, DEMO, lookUpProfile, onScreen, openApp, openNav } from './helpers';

const SHIPPED = 'High earning homeowner prospects';
const WIDER = 'Wealthy refinance candidates';

test('the demo audience is there with its members, and a new one built in the editor counts exactly and saves', async ({
  page
}) => {
  await openApp(page, '/', DEMO);
  await openNav(page, 'Audiences');
  const audienceRow = (name: string) =>
    page.getByTestId('audience-row').filter({ has: page.getByRole('link', { name, exact: true }) });
  const shippedSizeCell = audienceRow(SHIPPED).getByTestId('audience-size');
  await expect(shippedSizeCell).toHaveText(/^[\d,]+$/);
  const shippedText = await shippedSizeCell.innerText();
  const shippedSize = Number(shippedText.replace(/,/g, ''));
  expect(shippedSize).toBeGreaterThan(0);

  // the example is the demo's rule: the live count agrees with the saved audience
  const rule = page.getByLabel('Rule', { exact: true });
  await page.getByRole('button', { name: SHIPPED, exact: true }).click();
  await expect(rule).toHaveValue(/partner\.netWorth > 1000000/);
  const previewCount = page.getByTestId('audience-preview-count').locator('.count');
  await expect(previewCount).toHaveText(shippedText);

  // dropping the advisor clause widens it; only the new rule can give a larger count
  await rule.fill('partner.netWorth > 1000000 and partner.mortgagePropensity >= 0.7');
  await expect(async () => {
    const wider = Number((await previewCount.innerText()).replace(/,/g, ''));
    expect(wider).toBeGreaterThan(shippedSize);
  }).toPass();
  const countText = await previewCount.innerText();
  const count = Number(countText.replace(/,/g, ''));

  await page.getByLabel('Name', { exact: true }).fill(WIDER);
  await page.getByRole('button', { name: 'Save audience', exact: true }).click();
  await onScreen(page, WIDER);
  await expect(page.getByTestId('audience-count')).toHaveText(countText);
  // every member of the demo audience is in this wider one
  const overlap = page
    .getByTestId('overlap-row')
    .filter({ has: page.getByRole('link', { name: SHIPPED, exact: true }) });
  await expect(overlap.getByTestId('overlap-shared')).toHaveText(shippedText);
  // members are listed a page of 50 at a time, each linked by name to its profile
  const members = page.getByTestId('audience-member');
  await expect(members).toHaveCount(Math.min(count, 50));
  await expect(page.getByTestId('audience-members-total')).toHaveText(`${countText} in all`);

  const firstMember = (await members.first().getByTestId('member-profile-id').innerText()).trim();
  await members.first().getByRole('link').click();
  await onScreen(page, 'Profile');
  await expect(page.getByTestId('profile-id')).toHaveText(firstMember, { timeout: 15_000 });
  await expect(page.getByRole('link', { name: WIDER, exact: true })).toBeVisible();

  await openNav(page, 'Audiences');
  await expect(page.getByTestId('audience-row')).toHaveCount(2);

  await page.getByRole('link', { name: WIDER, exact: true }).click();
  await onScreen(page, WIDER);
  await page.getByRole('button', { name: 'Delete audience', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
  await onScreen(page, 'Audiences');
  await expect(page.getByTestId('audience-row')).toHaveText([new RegExp(SHIPPED)]);
});

test('Bobby Brown’s profile lists the demo audience', async ({ page }) => {
  await openApp(page, '/', DEMO);
  await lookUpProfile(page, 'Email', 'bobby.brown@example.com');
  await page.getByRole('link', { name: SHIPPED, exact: true }).click();
  await onScreen(page, SHIPPED);
  await expect(page.getByTestId('audience-rule')).toContainText('not account.hasAdvisor');
});

test('a mistake in a rule is pointed at by line and column, with the attribute meant', async ({ page }) => {
  await openApp(page, '/audiences/', 'Audiences');
  await page.getByLabel('Rule', { exact: true }).fill('partner.homeowner and\npartner.netWorht > 1000000');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Line 2, column 1');
  await expect(alert).toContainText('Did you mean partner.netWorth?');
});

test('retail: an audience on a calculated attribute', async ({ page }) => {
  await createSandbox(page, 'E2E retail audiences', 'retail');
  await openNav(page, 'Audiences');
  const rows = page.getByTestId('audience-row');
  await expect(rows).toHaveCount(2);
  for (const name of ['Frequent cart abandoners', 'Loyal customers'])
    await expect(rows.filter({ has: page.getByRole('link', { name, exact: true }) })).toHaveCount(1);
  const rule = page.getByLabel('Rule', { exact: true });
  const preview = page.getByTestId('audience-preview-count');
  await page.getByRole('button', { name: 'Frequent cart abandoners', exact: true }).click();
  await expect(rule).toHaveValue('calc.cartAbandons30d >= 3');
  await expect(preview).toContainText(/\d+ profiles? match/);

  // An empty rule clears the preview, so the count that follows can only be the events rule's.
  await rule.fill('');
  await expect(preview).toBeHidden();
  await page.getByRole('button', { name: 'Abandoned checkouts (events)', exact: true }).click();
  await expect(rule).toHaveValue(/^count\(events where eventType = "commerce\.checkoutAbandoned"/);
  await expect(preview).toContainText(/\d+ profiles? match/);
  await expect(page.getByRole('alert')).toHaveCount(0);
});
