import { expect, test } from '@playwright/test';
import { createSandbox, fixture, lookUpProfile, uploadToDataset } from './helpers';

test('a shared phone does not merge two CRM customers, and the graph says why', async ({ page }) => {
  await createSandbox(page, 'E2E shared phone', 'securfinancial');
  const report = await uploadToDataset(page, 'CRM Profiles', fixture('crm-shared-phone.csv'));
  await expect(report.locator('[data-status]')).toHaveText('Success');

  await lookUpProfile(page, 'Email', 'sam.two@shared.example');
  await expect(page.getByRole('heading', { name: 'Sam Two' })).toBeVisible();
  const graph = page.getByTestId('identity-graph');
  await expect(graph).toContainText('refused');
  await expect(graph).toContainText('CRM-700001');

  const refusal = page.getByRole('listitem').filter({ hasText: 'was not linked to' });
  await expect(refusal).toContainText('CRMID:CRM-700001');
  await refusal.getByRole('link', { name: 'Open the other profile' }).click();
  await expect(page.getByRole('heading', { name: 'Pat One' })).toBeVisible();
  await expect(page.getByTestId('profile-id')).not.toHaveText('');
});
