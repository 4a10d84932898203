import { expect, test, type Page } from '@playwright/test';
import { createSandbox, fixture, lookUpProfile, openNav, profileName, uploadToDataset } from './helpers';

const ECID = '71110000000000000000000000000000000001';

/** A retail sandbox with Robin Field's CRM record and four web events of her cookie, two before login. */
async function retailWithRobin(page: Page, name: string) {
  await createSandbox(page, name, 'retail');
  const customer = await uploadToDataset(page, 'Customer Profiles', fixture('retail-customer.csv'));
  await expect(customer.locator('[data-status]')).toHaveText('Success');
  const web = await uploadToDataset(page, 'Web Events', fixture('retail-web-anonymous.csv'));
  await expect(web.locator('[data-status]')).toHaveText('Success');
}

const timelineEvents = (page: Page, eventType: string) =>
  page.getByTestId('event-timeline').getByText(eventType, { exact: true });

test('anonymous browsing continues into the known profile after login, and the graph says why', async ({
  page
}) => {
  await retailWithRobin(page, 'E2E retail login');

  await lookUpProfile(page, 'CRMID', 'CRM-E2E001');
  await expect(profileName(page, 'Robin Field')).toBeVisible();
  await expect(page.getByTestId('linked-identities')).toContainText(ECID);
  // the two events before login, known only by the cookie, are on the customer's timeline
  await expect(timelineEvents(page, 'web.pageView')).toHaveCount(2);
  await expect(timelineEvents(page, 'commerce.productView')).toHaveCount(1);
  // The cookie met the CRM id in rows 3 and 4 of the web events (the login and the page after it);
  // the graph keeps one link per pair of identities, citing one of those rows.
  const why = page.getByRole('listitem').filter({ hasText: `ECID:${ECID}` });
  await expect(why).toHaveCount(1);
  await expect(why).toContainText(/appeared together in row [34] of Web Events/);

  // the cookie alone finds the same profile
  const robin = await page.getByTestId('profile-id').innerText();
  await lookUpProfile(page, 'ECID', ECID);
  await expect(profileName(page, 'Robin Field')).toBeVisible();
  await expect(page.getByTestId('profile-id')).toHaveText(robin);
});

test('a calculated attribute defined in the UI appears on a profile', async ({ page }) => {
  await retailWithRobin(page, 'E2E retail calc');

  await openNav(page, 'Calculated attributes');
  const table = page.getByRole('table', { name: 'Calculated attributes', exact: true });
  await expect(table).toContainText('calc.cartAbandons30d');
  const form = page.getByRole('form', { name: 'Define a calculated attribute', exact: true });
  await form.getByLabel('Name', { exact: true }).fill('pageViewsEver');
  await form.getByLabel('Display name', { exact: true }).fill('Page views, all time');
  await form.getByLabel('Function', { exact: true }).selectOption('count');
  await form.getByLabel('Event type', { exact: true }).selectOption('web.pageView');
  await form.getByLabel('Lookback window (days)', { exact: true }).fill('');
  await form.getByRole('button', { name: 'Create calculated attribute', exact: true }).click();
  await expect(form.getByRole('status')).toHaveText(
    'pageViewsEver is defined: every profile shows it, computed from its events.'
  );
  await expect(table).toContainText('calc.pageViewsEver');

  await lookUpProfile(page, 'CRMID', 'CRM-E2E001');
  const card = page.getByTestId('calculated-attributes');
  await expect(card.locator('[data-name="pageViewsEver"]')).toContainText('Page views, all time');
  await expect(card.locator('[data-name="pageViewsEver"] dd')).toHaveText('2');
  await expect(card.locator('[data-name="lastProductViewed"] dd')).toHaveText('—');
});

test('a profile can be read under another merge policy', async ({ page }) => {
  await retailWithRobin(page, 'E2E retail policy');

  await openNav(page, 'Merge policies');
  const form = page.getByRole('form', { name: 'Create a merge policy', exact: true });
  await form.getByLabel('Name', { exact: true }).fill('No stitching');
  await form
    .getByRole('radio', {
      name: 'None: each fragment (the records of one primary identity) is a profile of its own',
      exact: true
    })
    .check();
  await form.getByRole('button', { name: 'Create merge policy', exact: true }).click();
  await expect(form.getByRole('status')).toHaveText('Merge policy "No stitching" created.');
  await expect(page.getByRole('table', { name: 'Merge policies', exact: true })).toContainText(
    'None (fragments)'
  );

  await lookUpProfile(page, 'ECID', ECID);
  await expect(profileName(page, 'Robin Field')).toBeVisible();
  await page.getByLabel('Merge policy', { exact: true }).selectOption('No stitching');
  await expect(page).toHaveURL(/mp=No(\+|%20)stitching/);
  // The URL change replaces the profile with a loading state at once; what shows next is the
  // cookie's own fragment: no CRM record, so no name, and only the cookie's events.
  await expect(page.getByTestId('profile-id')).toBeVisible();
  await expect(profileName(page, 'Robin Field')).toBeHidden();
  await expect(timelineEvents(page, 'web.pageView')).toHaveCount(2);
});

test('the isolate identity strategy keeps anonymous browsing off the known profile', async ({ page }) => {
  await retailWithRobin(page, 'E2E retail isolate');

  await openNav(page, 'Identities');
  const settings = page.getByRole('form', { name: 'Identity settings', exact: true });
  // a strategy's accessible name is its title followed by its description
  await settings.getByRole('radio', { name: /^Isolate anonymous activity / }).check();
  await settings.getByRole('button', { name: 'Save identity settings', exact: true }).click();
  await expect(settings.getByRole('status')).toHaveText('Identity settings saved.');

  await lookUpProfile(page, 'CRMID', 'CRM-E2E001');
  await expect(profileName(page, 'Robin Field')).toBeVisible();
  await expect(timelineEvents(page, 'web.pageView')).toHaveCount(1);
  await expect(timelineEvents(page, 'commerce.productView')).toHaveCount(0);

  await lookUpProfile(page, 'ECID', ECID);
  await expect(page.getByTestId('profile-kind')).toHaveText('Anonymous');
  await expect(timelineEvents(page, 'commerce.productView')).toHaveCount(1);
});
