import { expect, test } from '@playwright/test';
import {
  createSandbox,
  dropFile,
  expectSaved,
  fixture,
  lookUpProfile,
  openApp,
  profileName,
  reloadApp,
  sandboxSwitcher,
  uploadToDataset
} from './helpers';

test('a customer uploaded from CRM and partner files is one profile with partner data, and survives a reload', async ({
  page
}) => {
  await createSandbox(page, 'E2E bank', 'securfinancial');

  const crm = await uploadToDataset(page, 'CRM Profiles', fixture('crm-customers.csv'));
  await expect(crm.locator('[data-status]')).toHaveText('Success');
  await expect(crm.getByTestId('rows-read')).toHaveText('12');
  await expect(crm.getByTestId('rows-ingested')).toHaveText('12');
  await expect(crm.getByTestId('rows-failed')).toHaveText('0');

  // The partner file arrives by drag and drop, as a presenter would do it.
  await openApp(page, '/datasets/view/?name=Partner%20Enrichment', 'Partner Enrichment');
  await dropFile(page.getByTestId('drop-zone'), fixture('partner-enrichment.csv'), 'text/csv');
  const partner = page.getByTestId('batch-report');
  await expect(partner.locator('[data-status]')).toHaveText('Success', { timeout: 30_000 });
  await expect(partner.getByTestId('rows-ingested')).toHaveText('11');
  await expect(
    page
      .getByRole('table', { name: 'Batch history', exact: true })
      .getByText('partner-enrichment.csv', { exact: true })
  ).toBeVisible();
  // the reload below must find the drop saved
  await expectSaved(page);

  await lookUpProfile(page, 'Email', 'ada.quincey@fixture.example');
  await expect(profileName(page, 'Ada Quincey')).toBeVisible();
  await expect(page.getByTestId('profile-kind')).toHaveText('Customer');

  // First-party attributes from the CRM file...
  const attributes = page.getByRole('region', { name: 'Attributes', exact: true });
  await expect(attributes.locator('[data-path="person.address.city"]')).toContainText('San Francisco');
  await expect(attributes.locator('[data-path="person.crmId"]')).toContainText('CRM-900001');
  // ...and third-party ones from the partner file, in their own card.
  const enrichment = page.getByTestId('partner-enrichment');
  await expect(enrichment.locator('[data-path="partner.netWorth"]')).toContainText('150,000');
  await expect(enrichment.locator('[data-path="partner.lifeStage"]')).toContainText('young single');
  await expect(
    enrichment.getByRole('list', { name: 'Data usage labels', exact: true }).getByRole('listitem')
  ).toHaveText([/THIRD_PARTY/]);

  // The partner id is on the profile but outside the graph.
  const outside = page.getByTestId('outside-identities');
  await expect(outside).toContainText('PartnerID');
  await expect(outside).toContainText('PTR-FX1000');
  await expect(outside).toContainText('outside graph — never links');
  await expect(page.getByTestId('linked-identities')).toContainText('CRM-900001');
  await expect(page.getByTestId('linked-identities')).not.toContainText('PTR-FX1000');
  const profileId = await page.getByTestId('profile-id').innerText();

  await reloadApp(page, 'Profile');
  await expect(page.getByTestId('profile-id')).toHaveText(profileId, { timeout: 30_000 });
  await expect(
    page.getByTestId('partner-enrichment').locator('[data-path="partner.netWorth"]')
  ).toContainText('150,000');
  await expect(sandboxSwitcher(page).locator('option:checked')).toHaveText('E2E bank');

  // Any identity finds the same profile: here the partner id.
  await lookUpProfile(page, 'PartnerID', 'PTR-FX1000');
  await expect(page.getByTestId('profile-id')).toHaveText(profileId);
});

test('partner rows known only by their partner id become prospects', async ({ page }) => {
  await createSandbox(page, 'E2E prospects', 'securfinancial');
  const report = await uploadToDataset(page, 'Partner Enrichment', fixture('partner-enrichment.csv'));
  await expect(report.locator('[data-status]')).toHaveText('Success');
  await lookUpProfile(page, 'PartnerID', 'PTR-PX2000');
  await expect(page.getByTestId('profile-kind')).toHaveText('Prospect');
  await expect(
    page.getByTestId('partner-enrichment').locator('[data-path="partner.netWorth"]')
  ).toContainText('900,000');
});

test('deleting a batch removes its rows and the profiles they made', async ({ page }) => {
  await createSandbox(page, 'E2E delete', 'securfinancial');
  const report = await uploadToDataset(page, 'CRM Profiles', fixture('crm-customers.csv'));
  await expect(report.getByTestId('rows-ingested')).toHaveText('12');
  // the template's 300 sample customers and the 12 uploaded ones
  await expect(page.getByTestId('dataset-records')).toHaveText('312');

  await page.getByRole('button', { name: 'Delete batch crm-customers.csv', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete batch', exact: true }).click();
  await expect(page.getByTestId('dataset-records')).toHaveText('300');
  const history = page.getByRole('table', { name: 'Batch history', exact: true });
  await expect(history.getByText('crm-customers.csv', { exact: true })).toBeHidden();
  await expect(history.getByTestId('batch-row')).toHaveCount(1); // the sample's batch
  // the page load below must find the deletion saved
  await expectSaved(page);

  await openApp(page, '/profiles/?ns=CRMID&id=CRM-900001', 'Profile');
  await expect(page.getByTestId('profile-not-found')).toBeVisible({ timeout: 30_000 });
});
