import { expect, test, type Page } from '@playwright/test';
import { expectSaved, onScreen, openApp } from './helpers';

const policyRow = (page: Page, name: string) =>
  page.getByTestId('policy-row').filter({ has: page.getByRole('strong').getByText(name, { exact: true }) });

const checkForm = (page: Page) => page.getByRole('form', { name: 'Check a use', exact: true });
const checkResult = (page: Page) => page.getByTestId('check-result');

/** Sets the labels of the "Check a use" form to exactly `labels`, by their chips. */
async function checkLabels(page: Page, labels: string[]) {
  const form = checkForm(page);
  const clear = form.getByRole('button', { name: 'Clear labels', exact: true });
  if (await clear.isEnabled()) await clear.click();
  for (const l of labels) await form.getByRole('checkbox', { name: l, exact: true }).check();
}

test('a draft policy with a nested expression is not enforced until it is enabled', async ({ page }) => {
  const name = 'No precise ads on sensitive data';
  await openApp(page, '/policies/', 'Policies');
  await expect(page.getByText(/^Only enabled policies are enforced at activation: /)).toBeVisible();
  await page.getByRole('link', { name: 'Create policy', exact: true }).click();
  await onScreen(page, 'Create policy');

  const form = page.getByRole('form', { name: 'Policy definition', exact: true });
  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.getByLabel('Marketing action', { exact: true }).selectOption('Segment match');
  // C4 AND (S1 OR S2)
  await form.getByLabel('Label to add (Top level)', { exact: true }).selectOption('C4');
  await form.getByRole('button', { name: 'Add label (Top level)', exact: true }).click();
  await form.getByRole('button', { name: 'Add group (Top level)', exact: true }).click();
  const group = form.getByRole('group', { name: 'Group 1', exact: true });
  await group.getByLabel('Match (Group 1)', { exact: true }).selectOption('any of these (OR)');
  for (const l of ['S1', 'S2']) {
    await group.getByLabel('Label to add (Group 1)', { exact: true }).selectOption(l);
    await group.getByRole('button', { name: 'Add label (Group 1)', exact: true }).click();
  }
  await expect(form.getByTestId('expression-text')).toHaveText('C4 AND (S1 OR S2)');
  await form.getByRole('button', { name: 'Save as draft', exact: true }).click();

  await onScreen(page, 'Policies');
  await expect(page.getByRole('status').filter({ hasText: `Policy "${name}" saved` })).toHaveText(
    `Policy "${name}" saved as a draft: it is not enforced until enabled.`
  );
  const row = policyRow(page, name);
  await expect(row).toContainText('Segment match');
  await expect(row).toContainText('C4 AND (S1 OR S2)');
  await expect(row.getByText('Draft', { exact: true })).toBeVisible();

  // A draft denies nothing: the check allows it, and says what the draft would do.
  await checkForm(page).getByLabel('Marketing action', { exact: true }).selectOption('Segment match');
  await checkLabels(page, ['C4', 'S2']);
  await expect(checkResult(page)).toContainText('Allowed');
  await expect(checkResult(page)).toContainText(`Once enabled, the draft ${name} would deny it too: C4, S2`);

  await row.getByRole('button', { name: `Enable ${name}`, exact: true }).click();
  await expect(row.getByText('Enabled', { exact: true })).toBeVisible();
  await expect(row.getByRole('button', { name: `Disable ${name}`, exact: true })).toBeVisible();
  await expectSaved(page);

  await expect(checkResult(page)).toContainText('Denied');
  await expect(checkResult(page)).toContainText(`Denied by ${name}: C4, S2`);

  // The OR group alone is not enough, nor is C4 alone.
  await checkLabels(page, ['S1', 'S2']);
  await expect(checkResult(page)).toContainText('Allowed');
  await checkLabels(page, ['C4']);
  await expect(checkResult(page)).toContainText('Allowed');
  await checkLabels(page, ['C4', 'S1']);
  await expect(checkResult(page)).toContainText(`Denied by ${name}: C4, S1`);

  // Editing reopens the groups as they were; saving as a draft stops enforcing it.
  await row.getByRole('link', { name: `Edit ${name}`, exact: true }).click();
  await onScreen(page, 'Edit policy');
  const edit = page.getByRole('form', { name: 'Policy definition', exact: true });
  await expect(edit.getByTestId('expression-text')).toHaveText('C4 AND (S1 OR S2)');
  await edit.getByRole('button', { name: 'Remove S1 (Group 1)', exact: true }).click();
  await expect(edit.getByTestId('expression-text')).toHaveText('C4 AND S2');
  await edit.getByRole('button', { name: 'Save as draft', exact: true }).click();
  await onScreen(page, 'Policies');
  await expect(policyRow(page, name)).toContainText('C4 AND S2');
  await expect(policyRow(page, name).getByText('Draft', { exact: true })).toBeVisible();
});

test("the demo's partner-data policies deny email targeting on THIRD_PARTY data", async ({ page }) => {
  await openApp(page, '/policies/', 'Policies');
  const email = policyRow(page, 'No partner data in email targeting');
  await expect(email.getByText('Enabled', { exact: true })).toBeVisible();
  await expect(email.getByTestId('policy-destinations')).toHaveText(
    'Enforced on: Braze, Email marketing (ESP)'
  );
  await expect(
    policyRow(page, 'Draft: no partner data with direct identifiers in cross-site targeting')
  ).toContainText('THIRD_PARTY AND (I1 OR C2)');

  const form = checkForm(page);
  await form.getByLabel('Marketing action', { exact: true }).selectOption('Email targeting');
  await checkLabels(page, ['THIRD_PARTY']);
  await expect(checkResult(page)).toContainText('Denied by No partner data in email targeting: THIRD_PARTY');
  await checkLabels(page, ['I1', 'S2']);
  await expect(checkResult(page)).toContainText('Allowed');

  // A dataset's labels in one pick: partner data is denied, the bank's own CRM data is not.
  await form.getByLabel('Labels of a dataset', { exact: true }).selectOption('Partner Enrichment');
  await expect(form.getByRole('checkbox', { name: 'THIRD_PARTY', exact: true })).toBeChecked();
  await expect(checkResult(page)).toContainText('Denied by No partner data in email targeting: THIRD_PARTY');
  await form.getByLabel('Labels of a dataset', { exact: true }).selectOption('CRM Profiles');
  await expect(form.getByRole('checkbox', { name: 'THIRD_PARTY', exact: true })).not.toBeChecked();
  await expect(checkResult(page)).toContainText('Allowed');

  // Deleting asks first, then the policy is gone.
  const draft = 'Draft: no partner data with direct identifiers in cross-site targeting';
  await policyRow(page, draft)
    .getByRole('button', { name: `Delete ${draft}`, exact: true })
    .click();
  const dialog = page.getByRole('dialog', { name: 'Delete policy?', exact: true });
  await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'was deleted' })).toHaveText(
    `"${draft}" was deleted.`
  );
  await expect(policyRow(page, draft)).toHaveCount(0);
});
