import { expect, test, type Page } from '@playwright/test';
import { expectSaved, onScreen, openApp, reloadApp } from './helpers';

const DESTINATIONS = [
  'Facebook Custom Audiences',
  'Google Customer Match',
  'LinkedIn Matched Audiences',
  'Braze',
  'Amplitude',
  'Email marketing (ESP)',
  'Amazon S3 (CSV files)',
  'SFTP (CSV files)'
];
const FACEBOOK = 'Facebook Custom Audiences';
const FACEBOOK_DEFAULTS = ['Cross-site targeting', 'Segment match', 'Onsite advertising'];

const card = (page: Page, name: string) => page.getByRole('article', { name, exact: true });

/** The marketing actions the destination's facts list (what is saved), in order. */
const savedActions = (page: Page) =>
  page.getByRole('list', { name: 'Marketing actions', exact: true }).getByRole('listitem');

test('the catalog lists every destination with what it accepts and a way to activate to it', async ({
  page
}) => {
  await openApp(page, '/destinations/', 'Destinations');
  for (const name of DESTINATIONS) {
    await expect(card(page, name)).toBeVisible();
    await expect(
      card(page, name).getByRole('link', { name: `Activate to ${name}`, exact: true })
    ).toHaveAttribute('href', /\/destinations\/activate\/\?destination=/);
  }
  await expect(page.getByTestId('destination-card')).toHaveCount(DESTINATIONS.length);
  // Google takes no id of yours; Facebook takes the profile id as EXTERN_ID
  await expect(card(page, 'Google Customer Match')).toContainText('not sent: Google takes no id of yours');
  await expect(card(page, FACEBOOK)).toContainText('profile id → EXTERN_ID');
  await expect(card(page, FACEBOOK).getByTestId('destination-runs')).toHaveText('No runs yet');
});

test('Facebook shows its identities and marketing actions; an edit to them persists and resets', async ({
  page
}) => {
  await openApp(page, '/destinations/', 'Destinations');
  await card(page, FACEBOOK)
    .getByRole('link', { name: `Open ${FACEBOOK}`, exact: true })
    .click();
  await onScreen(page, FACEBOOK);
  await expect(page).toHaveURL(/\/destinations\/view\/\?id=facebook$/);

  await expect(
    page.getByRole('list', { name: 'Accepted identities', exact: true }).getByRole('listitem')
  ).toHaveText(['Email', 'Phone', 'Email_LC_SHA256', 'Phone_SHA256', 'IDFA', 'GAID', 'profile id']);
  await expect(savedActions(page)).toHaveText(FACEBOOK_DEFAULTS);
  await expect(page.getByRole('link', { name: `Activate to ${FACEBOOK}`, exact: true })).toBeVisible();
  await expect(
    page.getByText(/^No runs yet: activate an audience to Facebook Custom Audiences\.$/)
  ).toBeVisible();

  const form = page.getByRole('form', { name: 'Marketing actions', exact: true });
  const emailTargeting = form.getByRole('checkbox', { name: 'Email targeting', exact: true });
  for (const name of FACEBOOK_DEFAULTS)
    await expect(form.getByRole('checkbox', { name, exact: true })).toBeChecked();
  await expect(emailTargeting).not.toBeChecked();

  // add Email targeting and save: it is saved in the sandbox and survives a reload
  await emailTargeting.check();
  await form.getByRole('button', { name: 'Save marketing actions', exact: true }).click();
  await expect(form.getByRole('status')).toHaveText('Marketing actions saved.');
  await expect(savedActions(page)).toHaveText([
    'Cross-site targeting',
    'Email targeting',
    'Onsite advertising',
    'Segment match'
  ]);
  await expectSaved(page);
  await reloadApp(page, FACEBOOK);
  await expect(form.getByRole('checkbox', { name: 'Email targeting', exact: true })).toBeChecked();
  await expect(savedActions(page)).toContainText(['Email targeting']);

  // the catalog shows the change too
  await page
    .getByRole('navigation', { name: 'Breadcrumb', exact: true })
    .getByRole('link', { name: 'Destinations', exact: true })
    .click();
  await onScreen(page, 'Destinations');
  await expect(
    card(page, FACEBOOK).getByRole('listitem').filter({ hasText: 'Email targeting' })
  ).toBeVisible();
  await expect(card(page, FACEBOOK)).toContainText('Changed from the defaults in this sandbox.');
  await card(page, FACEBOOK)
    .getByRole('link', { name: `Open ${FACEBOOK}`, exact: true })
    .click();
  await onScreen(page, FACEBOOK);

  // Reset to defaults saves the defaults back
  await form.getByRole('button', { name: 'Reset to defaults', exact: true }).click();
  await expect(form.getByRole('status')).toHaveText('Marketing actions reset to the defaults.');
  await expect(emailTargeting).not.toBeChecked();
  await expect(savedActions(page)).toHaveText(FACEBOOK_DEFAULTS);
  await expect(form.getByRole('button', { name: 'Reset to defaults', exact: true })).toBeDisabled();
  await expectSaved(page);
  await reloadApp(page, FACEBOOK);
  await expect(form.getByRole('checkbox', { name: 'Email targeting', exact: true })).not.toBeChecked();
  await expect(savedActions(page)).toHaveText(FACEBOOK_DEFAULTS);
});
