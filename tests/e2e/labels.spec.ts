import { expect, test, type Locator } from '@playwright/test';
import { expectSaved, lookUpProfile, onScreen, openApp, profileName, reloadApp } from './helpers';

const SCHEMA = 'CRM Profile';
const DATASET = 'CRM Profiles';
const SHIPPED = 'High earning homeowner prospects';

/** A data-usage label chip, by its accessible name ("C2", or "C5 (inherited from dataset)"). */
const chip = (scope: Locator, name: string) => scope.getByRole('listitem', { name, exact: true });

test('labels two fields at once, gives a dataset a label its fields inherit, and a profile shows it', async ({
  page
}) => {
  await openApp(page, `/schemas/view/?name=${encodeURIComponent(SCHEMA)}`, SCHEMA);
  const fields = page.getByRole('table', { name: 'Schema fields', exact: true });
  const fieldRow = (path: string) => fields.locator(`tr[data-path="${path}"]`);

  await page.getByRole('checkbox', { name: 'Select account.tier', exact: true }).check();
  await page.getByRole('checkbox', { name: 'Select account.balance', exact: true }).check();
  const bar = page.getByRole('region', { name: 'Apply labels to 2 selected fields', exact: true });
  await bar.getByRole('checkbox', { name: 'C2', exact: true }).check();
  await bar.getByRole('button', { name: 'Add labels', exact: true }).click();
  await expect(bar.getByRole('status')).toHaveText('Added C2 to 2 fields.');
  for (const path of ['account.tier', 'account.balance'])
    await expect(chip(fieldRow(path), 'C2')).toBeVisible();
  await expect(chip(fieldRow('account.type'), 'C2')).toHaveCount(0);
  await expectSaved(page);

  // The dataset's own label: every field of it inherits C5, shown apart from the field's own labels.
  await page.getByRole('link', { name: DATASET, exact: true }).click();
  await onScreen(page, DATASET);
  await page.getByRole('button', { name: 'Edit labels', exact: true }).click();
  const editor = page.getByRole('form', { name: `Edit the labels of ${DATASET}`, exact: true });
  await editor.getByRole('checkbox', { name: 'C5', exact: true }).check();
  await editor.getByRole('button', { name: 'Save labels', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: `Labels of ${DATASET} saved.` })).toBeVisible();

  const perField = page.getByRole('table', { name: `Labels of each field of ${DATASET}`, exact: true });
  const datasetRow = (path: string) => perField.locator(`tr[data-path="${path}"]`);
  const expectInherited = async () => {
    await expect(
      page.getByRole('list', { name: 'Labels of this dataset', exact: true }).getByRole('listitem')
    ).toHaveText(['C5']);
    await expect(chip(datasetRow('person.email'), 'I1')).toBeVisible();
    await expect(chip(datasetRow('person.email'), 'C5 (inherited from dataset)')).toBeVisible();
    await expect(chip(datasetRow('account.tier'), 'C2')).toBeVisible();
    await expect(chip(datasetRow('account.tier'), 'C5 (inherited from dataset)')).toBeVisible();
    await expect(chip(datasetRow('account.type'), 'C5 (inherited from dataset)')).toBeVisible();
  };
  await expectInherited();
  await expectSaved(page);

  await reloadApp(page, DATASET);
  await expectInherited();

  // The schema says which of its datasets add labels of their own.
  await page.getByRole('link', { name: SCHEMA, exact: true }).first().click();
  await onScreen(page, SCHEMA);
  await expect(
    chip(
      page.getByRole('list', { name: `Labels inherited from dataset ${DATASET}`, exact: true }),
      `C5 (inherited from dataset ${DATASET})`
    )
  ).toBeVisible();

  await lookUpProfile(page, 'Email', 'bobby.brown@example.com');
  await expect(profileName(page, 'Bobby Brown')).toBeVisible();
  const attributes = page.getByRole('region', { name: 'Attributes', exact: true });
  const lastName = attributes.locator('[data-path="person.name.lastName"]');
  await expect(chip(lastName, 'I1')).toBeVisible();
  await expect(chip(lastName, 'C5 (inherited from dataset)')).toBeVisible();
  await expect(chip(attributes.locator('[data-path="account.tier"]'), 'C2')).toBeVisible();
});

test('an audience shows the labels of every field its rule reads, and links to its activation', async ({
  page
}) => {
  await openApp(page, `/audiences/view/?name=${encodeURIComponent(SHIPPED)}`, SHIPPED);
  const reads = page.getByRole('list', { name: 'Fields the rule reads', exact: true });
  await expect(chip(reads.locator('[data-field="partner.netWorth"]'), 'THIRD_PARTY')).toBeVisible();
  // what reaches a destination through the rule, as the engine's lineage gives it
  await expect(
    page.getByRole('list', { name: `Labels of ${SHIPPED}`, exact: true }).getByRole('listitem')
  ).toHaveText([/THIRD_PARTY/]);
  const activate = page.getByRole('link', { name: 'Activate this audience', exact: true });
  await expect(activate).toHaveAttribute(
    'href',
    new RegExp(`destinations/activate/\\?audience=${encodeURIComponent(SHIPPED).replace(/%20/g, '\\+')}$`)
  );
});
