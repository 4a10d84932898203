// Screenshots of every screen at 1280x720, plus a 1024x768 one of each, for a human to look at:
// `SHOTS=/tmp/shots npx playwright test screenshots`.
// Skipped in normal runs; nothing here asserts on pixels.
import { expect, test, type Page } from '@playwright/test';
import { FAMILY_LAPTOP_ECID } from '../../src/lib/engine/generate/samples';
import {
  createSandbox,
  DEMO,
  expectSaved,
  fixture,
  lookUpProfile,
  onScreen,
  openApp,
  profileName,
  uploadToDataset
} from './helpers';

const dir = process.env.SHOTS;
test.skip(!dir, 'set SHOTS to a folder to take screenshots');
test.setTimeout(180_000);

async function shot(page: Page, name: string) {
  await expectSaved(page);
  await expect(
    page.getByRole('status').filter({ hasText: /Loading|Looking up|Evaluating|Saving/ })
  ).toHaveCount(0);
  await page.screenshot({ path: `${dir}/${name}.png` });
  await page.screenshot({ path: `${dir}/${name}-full.png`, fullPage: true });
  const size = page.viewportSize();
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.screenshot({ path: `${dir}/${name}-1024.png` });
  if (size) await page.setViewportSize(size);
}

test('every screen', async ({ page }) => {
  await openApp(page, '/', DEMO);
  await shot(page, '01-overview');
  await openApp(page, '/sandboxes/', 'Sandboxes');
  await shot(page, '02-sandboxes');
  await openApp(page, '/schemas/', 'Schemas');
  await shot(page, '03-schemas');
  await openApp(page, '/schemas/view/?name=Partner%20Data%20Enrichment', 'Partner Data Enrichment');
  await shot(page, '04-schema-view');
  await openApp(page, '/schemas/new/', 'Create schema');
  await shot(page, '05-schema-new');

  await uploadToDataset(page, 'CRM Profiles', fixture('crm-customers.csv'));
  await uploadToDataset(page, 'Partner Enrichment', fixture('partner-enrichment.csv'));
  await shot(page, '06-dataset-upload');
  await uploadToDataset(page, 'CRM Profiles', fixture('crm-bad.csv'));
  await shot(page, '07-dataset-bad-file');
  await openApp(page, '/datasets/', 'Datasets');
  await shot(page, '08-datasets');

  await openApp(page, '/identities/', 'Identities');
  await page.getByLabel('Search identities', { exact: true }).fill('CRM-9000');
  await expect(page.getByRole('table', { name: 'Matching identities', exact: true })).toBeVisible();
  await shot(page, '09-identities');

  await openApp(page, '/profiles/', 'Profiles');
  await shot(page, '10-profiles');
  await lookUpProfile(page, 'Email', 'ada.quincey@fixture.example');
  await shot(page, '11-profile');
  await lookUpProfile(page, 'Email', 'bobby.brown@example.com');
  await profileName(page, 'Bobby Brown').scrollIntoViewIfNeeded();
  await shot(page, '11-profile-bobby');
  await lookUpProfile(page, 'PartnerID', 'PTR-PX2000');
  await shot(page, '12-profile-prospect');

  // governance and activation, on the SecurFinancial demo
  await openApp(page, '/schemas/view/?name=CRM%20Profile', 'CRM Profile');
  await shot(page, '04-schema-labels');
  await openApp(page, '/datasets/view/?name=Partner%20Enrichment', 'Partner Enrichment');
  await shot(page, '06-dataset-labels');
  await openApp(page, '/policies/', 'Policies');
  await shot(page, '14-policies');
  await openApp(page, '/policies/?tab=labels', 'Policies');
  await shot(page, '14-policies-labels');
  await openApp(page, '/policies/new/', 'Create policy');
  await shot(page, '14-policy-new');
  const step = (name: string) => page.getByRole('heading', { level: 2, name, exact: true });
  const next = async (name: string) => {
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await expect(step(name)).toBeVisible();
  };
  const prospects = encodeURIComponent('High earning homeowner prospects');
  await openApp(page, '/destinations/activate/', 'Activate audiences');
  await shot(page, '15-wizard-destination');
  await openApp(
    page,
    `/destinations/activate/?destination=facebook&audience=${prospects}`,
    'Activate audiences'
  );
  await next('Map identities and attributes');
  await page.getByRole('checkbox', { name: 'Email', exact: true }).check();
  await shot(page, '15-wizard-mapping');
  await next('Schedule');
  await shot(page, '15-wizard-schedule');
  await next('Review');
  await shot(page, '15-wizard-review-allowed');
  await page.getByRole('button', { name: 'Finish', exact: true }).click();
  await expect(step('Result')).toBeVisible({ timeout: 30_000 });
  await shot(page, '15-wizard-result');
  await openApp(
    page,
    `/destinations/activate/?destination=email-marketing&audience=${prospects}`,
    'Activate audiences'
  );
  await next('Map identities and attributes');
  await next('Schedule');
  await next('Review');
  await shot(page, '15-wizard-review-blocked');
  await openApp(page, '/destinations/', 'Destinations');
  await shot(page, '16-destinations');
  await openApp(page, '/destinations/view/?id=facebook', 'Facebook Custom Audiences');
  await shot(page, '16-destination-view');

  await openApp(page, '/profiles/merge-policies/', 'Merge policies');
  await shot(page, '12-merge-policies');
  await openApp(page, '/profiles/calculated/', 'Calculated attributes');
  await shot(page, '12-calculated-empty');
  await createSandbox(page, 'Screenshots retail', 'retail');
  await openApp(page, '/profiles/calculated/', 'Calculated attributes');
  await shot(page, '12-calculated-retail');
  await lookUpProfile(page, 'ECID', FAMILY_LAPTOP_ECID);
  await shot(page, '12-profile-family-laptop');

  await openApp(page, '/audiences/', 'Audiences');
  await page.getByRole('button', { name: 'Loyal customers', exact: true }).click();
  await expect(page.getByTestId('audience-preview-count')).toBeVisible();
  await shot(page, '13-audience-editor-retail');
  await page.getByLabel('Name', { exact: true }).fill('Loyal, last 365 days');
  await page.getByRole('button', { name: 'Save audience', exact: true }).click();
  await onScreen(page, 'Loyal, last 365 days');
  await expect(page.getByTestId('audience-count')).toBeVisible();
  await expect(page.getByTestId('overlap-row').first()).toBeVisible();
  await shot(page, '13-audience-view');
  await openApp(page, '/audiences/', 'Audiences');
  await shot(page, '13-audiences');
  await page.getByLabel('Rule', { exact: true }).fill('calc.cartAbandons30d >= 3 and\nloyalty.teir = "gold"');
  await expect(page.getByRole('alert')).toBeVisible();
  await shot(page, '13-audience-error');
});

test('dashboards and batch monitoring', async ({ page }) => {
  // chart.js draws after its lazy chunk arrives: it styles each canvas it takes over
  const charted = () => expect(page.locator('canvas:not([style*="box-sizing"])')).toHaveCount(0);
  await createSandbox(page, 'Screenshots dashboards', 'retail');
  await uploadToDataset(page, 'Customer Profiles', fixture('retail-customer.csv'));
  await charted();
  await shot(page, '17-dataset-batches');
  await page
    .getByRole('table', { name: 'Batch history', exact: true })
    .getByTestId('batch-row')
    .last()
    .scrollIntoViewIfNeeded();
  await shot(page, '17-dataset-batch-table');
  await openApp(page, '/dashboards/', 'Dashboards');
  await expect(page.getByRole('region', { name: 'Profile count over time', exact: true })).toBeVisible();
  await charted();
  await shot(page, '17-dashboards');
  await page.getByRole('heading', { level: 2, name: 'Identities', exact: true }).scrollIntoViewIfNeeded();
  await shot(page, '17-dashboards-identities');
});
