import { expect, test } from '@playwright/test';
import { createSandbox, fixture, lookUpProfile, navLink, uploadToDataset } from './helpers';

const ECID = '71110000000000000000000000000000000001';

test('anonymous browsing continues into the known profile after login, and the graph says why', async ({
  page
}) => {
  await createSandbox(page, 'E2E retail login', 'retail');
  await uploadToDataset(page, 'Customer Profiles', fixture('retail-customer.csv'));
  const report = await uploadToDataset(page, 'Web Events', fixture('retail-web-anonymous.csv'));
  await expect(report.locator('[data-status]')).toHaveText('Success');

  await lookUpProfile(page, 'CRMID', 'CRM-E2E001');
  await expect(page.getByRole('heading', { name: 'Robin Field' })).toBeVisible();
  await expect(page.getByTestId('linked-identities')).toContainText(ECID);
  // the two events before login, known only by the cookie, are on the customer's timeline
  const timeline = page.getByTestId('event-timeline');
  await expect(timeline).toContainText('commerce.productView');
  await expect(timeline.getByText('web.pageView')).toHaveCount(2);
  const why = page
    .getByRole('listitem')
    .filter({ hasText: `ECID:${ECID}` })
    .first();
  await expect(why).toContainText(/appeared together in row [34] of Web Events/);

  // the cookie alone finds the same profile
  await lookUpProfile(page, 'ECID', ECID);
  await expect(page.getByRole('heading', { name: 'Robin Field' })).toBeVisible();
});

test('a calculated attribute defined in the UI appears on a profile', async ({ page }) => {
  await createSandbox(page, 'E2E retail calc', 'retail');
  await uploadToDataset(page, 'Customer Profiles', fixture('retail-customer.csv'));
  await uploadToDataset(page, 'Web Events', fixture('retail-web-anonymous.csv'));

  await navLink(page, 'Calculated attributes').click();
  await expect(page.getByRole('table', { name: 'Calculated attributes' })).toContainText(
    'calc.cartAbandons30d'
  );
  await page.getByLabel('Name', { exact: true }).fill('pageViewsEver');
  await page.getByLabel('Display name').fill('Page views, all time');
  await page.getByLabel('Function').selectOption('count');
  await page.getByLabel('Event type').selectOption('web.pageView');
  await page.getByLabel('Lookback window (days)').fill('');
  await page.getByRole('button', { name: 'Create calculated attribute' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'pageViewsEver is defined' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Calculated attributes' })).toContainText(
    'calc.pageViewsEver'
  );

  await lookUpProfile(page, 'CRMID', 'CRM-E2E001');
  const card = page.getByTestId('calculated-attributes');
  await expect(card.locator('[data-name="pageViewsEver"]')).toContainText('Page views, all time');
  await expect(card.locator('[data-name="pageViewsEver"] dd')).toHaveText('2');
  await expect(card.locator('[data-name="lastProductViewed"] dd')).toHaveText('—');
});

test('a profile can be read under another merge policy', async ({ page }) => {
  await createSandbox(page, 'E2E retail policy', 'retail');
  await uploadToDataset(page, 'Customer Profiles', fixture('retail-customer.csv'));
  await uploadToDataset(page, 'Web Events', fixture('retail-web-anonymous.csv'));

  await navLink(page, 'Merge policies').click();
  await page.getByLabel('Name', { exact: true }).fill('No stitching');
  await page.getByLabel('None: each fragment').check();
  await page.getByRole('button', { name: 'Create merge policy' }).click();
  await expect(page.getByRole('table', { name: 'Merge policies' })).toContainText('None (fragments)');

  await lookUpProfile(page, 'ECID', ECID);
  await expect(page.getByRole('heading', { name: 'Robin Field' })).toBeVisible();
  await page.getByLabel('Merge policy').selectOption('No stitching');
  await expect(page).toHaveURL(/mp=No(\+|%20)stitching/);
  await expect(page.getByRole('heading', { name: 'Robin Field' })).toBeHidden();
  await expect(page.getByTestId('event-timeline').getByText('web.pageView')).toHaveCount(2);
});

test('the isolate identity strategy keeps anonymous browsing off the known profile', async ({ page }) => {
  await createSandbox(page, 'E2E retail isolate', 'retail');
  await uploadToDataset(page, 'Customer Profiles', fixture('retail-customer.csv'));
  await uploadToDataset(page, 'Web Events', fixture('retail-web-anonymous.csv'));

  await navLink(page, 'Identities').click();
  await page.getByLabel('Isolate anonymous activity').check();
  await page.getByRole('button', { name: 'Save identity settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Identity settings saved.' })).toBeVisible();

  await lookUpProfile(page, 'CRMID', 'CRM-E2E001');
  await expect(page.getByRole('heading', { name: 'Robin Field' })).toBeVisible();
  await expect(page.getByTestId('event-timeline')).not.toContainText('commerce.productView');
  await expect(page.getByTestId('event-timeline').getByText('web.pageView')).toHaveCount(1);

  await lookUpProfile(page, 'ECID', ECID);
  await expect(page.getByTestId('profile-kind')).toHaveText('Anonymous');
  await expect(page.getByTestId('event-timeline')).toContainText('commerce.productView');
});
