import { expect, test } from '@playwright/test';
import { createSandbox, fixture, lookUpProfile, profileName, uploadToDataset } from './helpers';

test('a shared phone does not merge two CRM customers, and the graph says why', async ({ page }) => {
  await createSandbox(page, 'E2E shared phone', 'securfinancial');
  const report = await uploadToDataset(page, 'CRM Profiles', fixture('crm-shared-phone.csv'));
  await expect(report.locator('[data-status]')).toHaveText('Success');

  await lookUpProfile(page, 'Email', 'sam.two@shared.example');
  await expect(profileName(page, 'Sam Two')).toBeVisible();
  const graph = page.getByTestId('identity-graph');
  await expect(graph).toContainText('refused');
  await expect(graph).toContainText('CRM-700001');

  const refusal = page.getByRole('listitem').filter({ hasText: 'was not linked to' });
  await expect(refusal).toHaveCount(1);
  await expect(refusal).toContainText('CRMID:CRM-700001');
  const samsProfile = await page.getByTestId('profile-id').innerText();
  await refusal.getByRole('link', { name: 'Open the other profile', exact: true }).click();
  // the same screen with another profile: its name and id tell the new one from the old
  await expect(profileName(page, 'Pat One')).toBeVisible();
  await expect(page.getByTestId('profile-id')).not.toHaveText(samsProfile);
  await expect(page.getByTestId('profile-id')).toHaveText(/\S/);
});
