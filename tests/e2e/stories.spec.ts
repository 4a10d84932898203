// Both guided stories followed as a presenter does it, from a fresh browser profile: the overview's
// start button, then at each step the guide panel's own links and what the screen asks for (the
// wizard's Next and Finish), until the last step. Every step's checks must light, and each step's
// screenshot is attached to the test. Then the keyboard, the panel's state across reloads, the reset,
// and where the focus goes after a navigation.
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import {
  DEMO,
  expectSaved,
  lookUpProfile,
  onScreen,
  openApp,
  pageHeading,
  profileName,
  reloadApp
} from './helpers';

const PROSPECTS = 'High earning homeowner prospects';
const WIZARD = 'Activate audiences';

const guide = (page: Page) => page.getByRole('complementary', { name: 'Guide', exact: true });
const stepTitle = (page: Page, title: string) =>
  guide(page).getByRole('heading', { level: 3, name: title, exact: true });
const lit = (page: Page, label: string) => guide(page).getByText(`Done: ${label}`, { exact: true });
const notYet = (page: Page, label: string) => guide(page).getByText(`Not yet: ${label}`, { exact: true });
const button = (scope: Page | ReturnType<typeof guide>, name: string) =>
  scope.getByRole('button', { name, exact: true });

/** The step the panel shows once it has moved there. */
async function atStep(page: Page, n: number, title: string) {
  await expect(stepTitle(page, title)).toBeVisible();
  await expect(guide(page).getByText(new RegExp(`^Step ${n} of \\d+$`))).toBeVisible();
}

async function nextStep(page: Page, n: number, title: string) {
  await button(guide(page), 'Next step').click();
  await atStep(page, n, title);
}

/** Clicks one of the step's links and waits for the screen it opens. */
async function follow(page: Page, link: string, heading: string) {
  await guide(page).getByRole('link', { name: link, exact: true }).click();
  await onScreen(page, heading);
}

/** A screenshot of the step, attached to the test and kept in its output folder (test-results/…/step-N.png). */
async function attachStep(page: Page, testInfo: TestInfo, n: number) {
  const path = testInfo.outputPath(`step-${n}.png`);
  await page.screenshot({ path });
  await testInfo.attach(`step-${n}`, { path, contentType: 'image/png' });
}

/** The wizard's step: its level-2 heading. */
const wizardStep = (page: Page, name: string) =>
  page.getByRole('main').getByRole('heading', { level: 2, name, exact: true });

/** From the wizard's Audiences step (where the guide's link lands) to Review. */
async function wizardToReview(page: Page) {
  const main = page.getByRole('main');
  await expect(wizardStep(page, 'Choose audiences')).toBeVisible();
  for (const step of ['Map identities and attributes', 'Schedule', 'Review']) {
    await button(main, 'Next').click();
    await expect(wizardStep(page, step)).toBeVisible();
  }
}

/** The dashboards' "Batches by dataset" table lists each dataset the story loaded, with one batch or more. */
async function expectBatchesOnDashboards(page: Page, datasets: string[]) {
  const table = page.getByRole('table', { name: 'Batches by dataset', exact: true });
  for (const name of datasets) {
    const row = table.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
    await expect(row).toHaveCount(1);
    await expect(row.getByRole('cell').nth(1)).not.toHaveText('0');
  }
}

async function finishWizard(page: Page) {
  await button(page.getByRole('main'), 'Finish').click();
  await expect(wizardStep(page, 'Result')).toBeVisible({ timeout: 30_000 });
}

test('the partner enrichment story, step by step in the guide panel', async ({ page }, testInfo) => {
  await openApp(page, '/', DEMO);
  await expect(guide(page)).toHaveCount(0);
  await button(page.getByRole('main'), 'Start the partner enrichment story').click();

  await atStep(page, 1, "Open the bank's sandbox");
  await expect(lit(page, 'A SecurFinancial sandbox is open')).toBeVisible();
  // the template already holds what steps 4, 5, 6 and 8 check, but none is done before it is shown
  const doneSteps = guide(page)
    .getByRole('navigation', { name: 'Story steps', exact: true })
    .getByRole('button', { name: /\(done\)$/ });
  await expect(doneSteps).toHaveCount(1);
  await expect(doneSteps).toHaveAccessibleName("Open the bank's sandbox (done)");
  await attachStep(page, testInfo, 1);

  await nextStep(page, 2, 'The partner file is ingested');
  await follow(page, 'Open Partner Enrichment', 'Partner Enrichment');
  await expect(lit(page, 'The partner file is ingested')).toBeVisible();
  await expect(notYet(page, 'The dashboards count every batch and profile')).toBeVisible();
  await follow(page, 'Open the dashboards', 'Dashboards');
  await expect(lit(page, 'The dashboards count every batch and profile')).toBeVisible();
  await expectBatchesOnDashboards(page, ['CRM Profiles', 'Partner Enrichment']);
  await attachStep(page, testInfo, 2);

  await nextStep(page, 3, 'Look up Bobby Brown');
  await expect(notYet(page, "You opened Bobby Brown's profile")).toBeVisible();
  await follow(page, "Open Bobby Brown's profile", 'Profile');
  await expect(profileName(page, 'Bobby Brown')).toBeVisible();
  await expect(lit(page, "You opened Bobby Brown's profile")).toBeVisible();
  await attachStep(page, testInfo, 3);

  await nextStep(page, 4, 'The partner id stays outside the graph');
  await expect(page.getByTestId('outside-identities')).toContainText('PTR-7781BB01');
  await expect(lit(page, 'Bobby Brown has a Partner ID outside the graph')).toBeVisible();
  await follow(page, "Look up the Kims' partner id", 'Profile');
  await expect(profileName(page, 'Jason Kim')).toBeVisible();
  await expect(lit(page, 'Grace and Jason Kim share a partner id and stay two profiles')).toBeVisible();
  await attachStep(page, testInfo, 4);

  await nextStep(page, 5, 'Every partner field is labelled');
  await follow(page, 'Open the partner schema', 'Partner Data Enrichment');
  await expect(lit(page, 'Every partner attribute carries THIRD_PARTY')).toBeVisible();
  await attachStep(page, testInfo, 5);

  await nextStep(page, 6, 'An audience on partner data');
  await follow(page, 'Open the audience', PROSPECTS);
  await expect(lit(page, `Bobby Brown is in ${PROSPECTS}`)).toBeVisible();
  await attachStep(page, testInfo, 6);

  await nextStep(page, 7, 'Send it to Facebook');
  await follow(page, 'Open the Facebook activation', WIZARD);
  await expect(notYet(page, 'An activation to Facebook ran')).toBeVisible();
  await wizardToReview(page);
  await expect(
    page.getByText(
      'Allowed: no enabled policy denies these labels for Cross-site targeting, Segment match or Onsite advertising.',
      { exact: true }
    )
  ).toBeVisible();
  await finishWizard(page);
  await expect(lit(page, 'An activation to Facebook ran')).toBeVisible();
  await attachStep(page, testInfo, 7);

  await expectSaved(page);
  await nextStep(page, 8, 'Email marketing is blocked');
  await follow(page, 'Open the email activation', WIZARD);
  await wizardToReview(page);
  await expect(
    page.getByText('Blocked: an enabled policy denies sending this audience to Email marketing (ESP).', {
      exact: true
    })
  ).toBeVisible();
  await expect(button(page.getByRole('main'), 'Finish')).toBeDisabled();
  await expect(lit(page, 'The email activation is blocked by a policy')).toBeVisible();
  await expect(button(guide(page), 'Next step')).toBeDisabled();
  await attachStep(page, testInfo, 8);

  // Every step is done: the step list says so in words, not only with a tick.
  const steps = guide(page).getByRole('navigation', { name: 'Story steps', exact: true });
  await expect(steps.getByRole('button', { name: /\(done\)$/ })).toHaveCount(8);

  // Back to the story's start: the sandbox is re-created from its template, so the activation is gone.
  await button(guide(page), "Reset to the story's start").click();
  const dialog = page.getByRole('dialog', { name: "Reset to the story's start?", exact: true });
  await expect(dialog).toContainText(`"${DEMO}" is re-created from the SecurFinancial template`);
  await button(dialog, 'Reset sandbox').click();
  await atStep(page, 1, "Open the bank's sandbox");
  await expect(lit(page, 'A SecurFinancial sandbox is open')).toBeVisible();
  await steps.getByRole('button', { name: 'Send it to Facebook', exact: true }).click();
  await atStep(page, 7, 'Send it to Facebook');
  await expect(notYet(page, 'An activation to Facebook ran')).toBeVisible();
});

test('the universal customer id story, step by step in the guide panel', async ({ page }, testInfo) => {
  await openApp(page, '/', DEMO);
  const story = page.getByRole('region', { name: 'Universal customer id', exact: true });
  await expect(story).toContainText('Creates a Retail sandbox, "Retail demo".');
  await button(story, 'Start the universal customer id story').click();

  await atStep(page, 1, 'Open the retail sandbox');
  await expect(lit(page, 'A retail sandbox is open')).toBeVisible({ timeout: 45_000 });
  await onScreen(page, 'Retail demo');
  await expectSaved(page);
  // The overview now speaks of the retail story first, and offers the bank's story on the sandbox
  // that already exists rather than a new one.
  await expect(page.getByRole('region', { name: 'Universal customer id', exact: true })).toContainText(
    'This sandbox'
  );
  await expect(
    page.getByRole('region', { name: 'Partner enrichment of known customers', exact: true })
  ).toContainText(`Opens your SecurFinancial sandbox "${DEMO}".`);
  await follow(page, 'Open the dashboards', 'Dashboards');
  await expect(lit(page, 'The dashboards count every batch and profile')).toBeVisible();
  await expectBatchesOnDashboards(page, ['Customer Profiles', 'Web Events', 'App Events']);
  await attachStep(page, testInfo, 1);

  await nextStep(page, 2, 'Anonymous browsing joins a known profile');
  const visitorLink = guide(page).getByRole('link', { name: /^Open .+'s profile$/ });
  const visitor = ((await visitorLink.innerText()).match(/^Open (.+)'s profile$/) ?? [])[1];
  expect(visitor).toBeTruthy();
  await follow(page, `Open ${visitor}'s profile`, 'Profile');
  await expect(profileName(page, visitor)).toBeVisible();
  await expect(lit(page, "You opened this shopper's profile")).toBeVisible();
  await expect(lit(page, 'Anonymous events continue into a known profile')).toBeVisible();
  await attachStep(page, testInfo, 2);

  await nextStep(page, 3, 'Why the cookie is theirs');
  await expect(lit(page, 'The cookie and the CRM id are linked by a login')).toBeVisible();
  await follow(page, 'Look up the cookie', 'Profile');
  await expect(page).toHaveURL((url) => url.searchParams.get('ns') === 'ECID');
  await expect(profileName(page, visitor)).toBeVisible();
  await expect(lit(page, 'The cookie alone finds the same profile')).toBeVisible();
  await attachStep(page, testInfo, 3);

  await nextStep(page, 4, 'A shared laptop keeps two people apart');
  await follow(page, "Open Daniel Lopez's profile", 'Profile');
  await expect(profileName(page, 'Daniel Lopez')).toBeVisible();
  await expect(lit(page, 'Maria and Daniel Lopez stay two profiles')).toBeVisible();
  await expect(lit(page, 'The laptop stays with Daniel, and the refused link is recorded')).toBeVisible();
  await follow(page, "Open Maria Lopez's profile", 'Profile');
  await expect(profileName(page, 'Maria Lopez')).toBeVisible();
  await attachStep(page, testInfo, 4);

  await nextStep(page, 5, 'One persistent id per person');
  await follow(page, 'Browse the profiles', 'Profiles');
  await expect(lit(page, 'Every profile has a persistent id')).toBeVisible();
  await attachStep(page, testInfo, 5);

  await nextStep(page, 6, 'Audiences on behaviour');
  await follow(page, 'Open Frequent cart abandoners', 'Frequent cart abandoners');
  await follow(page, 'Open Loyal customers', 'Loyal customers');
  await expect(lit(page, 'Frequent cart abandoners and Loyal customers both have members')).toBeVisible();
  await attachStep(page, testInfo, 6);

  await nextStep(page, 7, 'Send loyal customers to Braze');
  await follow(page, 'Open the Braze activation', WIZARD);
  await expect(notYet(page, 'An activation to Braze ran')).toBeVisible();
  await wizardToReview(page);
  await finishWizard(page);
  await expect(lit(page, 'An activation to Braze ran')).toBeVisible();
  await expect(lit(page, 'The Braze file carries the persistent id as external_id')).toBeVisible();
  await expect(button(guide(page), 'Next step')).toBeDisabled();
  await attachStep(page, testInfo, 7);
});

test('the guide steps with [ and ], keeps its place across reloads, and Escape closes it', async ({
  page
}) => {
  await openApp(page, '/', DEMO);
  const toggle = button(page.getByRole('banner'), 'Guide');
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  // The panel takes the focus when opened, and offers both stories.
  await expect(
    guide(page).getByRole('heading', { level: 2, name: 'Guided stories', exact: true })
  ).toBeFocused();
  await button(guide(page), 'Start the partner enrichment story').click();
  await atStep(page, 1, "Open the bank's sandbox");
  await expect(guide(page)).toContainText('Keys: [ previous step, ] next step, Esc closes the guide');

  await page.keyboard.press(']');
  await atStep(page, 2, 'The partner file is ingested');
  await page.keyboard.press(']');
  await atStep(page, 3, 'Look up Bobby Brown');
  await page.keyboard.press('[');
  await atStep(page, 2, 'The partner file is ingested');

  // In a text field the keys are the field's.
  await page
    .getByRole('navigation', { name: 'Main', exact: true })
    .getByRole('link', { name: 'Profiles', exact: true })
    .click();
  await onScreen(page, 'Profiles');
  const value = page.getByLabel('Identity value', { exact: true });
  await value.fill('');
  await value.press(']');
  await expect(value).toHaveValue(']');
  await value.press('Escape');
  await atStep(page, 2, 'The partner file is ingested');

  // A reload keeps the panel open at its step.
  await reloadApp(page, 'Profiles');
  await atStep(page, 2, 'The partner file is ingested');

  await pageHeading(page, 'Profiles').click();
  await page.keyboard.press('Escape');
  await expect(guide(page)).toHaveCount(0);
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await reloadApp(page, 'Profiles');
  await expect(guide(page)).toHaveCount(0);
  await toggle.click();
  await atStep(page, 2, 'The partner file is ingested');

  // Escape from inside the panel gives the focus back to the toggle.
  await button(guide(page), 'Next step').focus();
  await page.keyboard.press('Escape');
  await expect(guide(page)).toHaveCount(0);
  await expect(toggle).toBeFocused();
});

test('a story opened on a sandbox of another template offers to open the right one', async ({ page }) => {
  await page.goto('/?story=universal&step=2');
  await expectSaved(page, 45_000);
  await onScreen(page, DEMO);
  await expect(page).toHaveURL((url) => !url.searchParams.has('story'));
  await expect(guide(page)).toContainText(
    `This story runs on a Retail sandbox; "${DEMO}" is a securfinancial sandbox.`
  );
  await button(guide(page), 'Create a Retail sandbox').click();
  await atStep(page, 1, 'Open the retail sandbox');
  await expect(lit(page, 'A retail sandbox is open')).toBeVisible({ timeout: 45_000 });
});

test("after a navigation the focus is on the new screen's heading, not on the first load", async ({
  page
}) => {
  await openApp(page, '/', DEMO);
  await expect(pageHeading(page, DEMO)).not.toBeFocused();
  // The skip link still comes first and still lands on the content.
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content', exact: true });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();

  await page
    .getByRole('navigation', { name: 'Main', exact: true })
    .getByRole('link', { name: 'Profiles', exact: true })
    .click();
  await onScreen(page, 'Profiles');
  await expect(pageHeading(page, 'Profiles')).toBeFocused();

  // A lookup opens the profile, and the focus follows.
  const form = page.getByRole('search', { name: 'Profile lookup', exact: true });
  await form.getByLabel('Identity value', { exact: true }).fill('bobby.brown@example.com');
  await form.getByRole('button', { name: 'View profile', exact: true }).click();
  await onScreen(page, 'Profile');
  await expect(profileName(page, 'Bobby Brown')).toBeVisible();
  await expect(pageHeading(page, 'Profile')).toBeFocused();
});

test('with the guide docked at 1280 px, a profile stacks its cards as it would on a narrower window', async ({
  page
}) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await openApp(page, '/', DEMO);
  await lookUpProfile(page, 'Email', 'bobby.brown@example.com');
  const identities = page.getByRole('region', { name: 'Identities', exact: true });
  const attributes = page.getByRole('region', { name: 'Attributes', exact: true });
  const below = async () => {
    const a = (await identities.boundingBox())!;
    const b = (await attributes.boundingBox())!;
    return b.y >= a.y + a.height;
  };
  // side by side while the screen has the whole width...
  expect(await below()).toBe(false);
  await page.getByRole('button', { name: 'Guide', exact: true }).click();
  await expect(guide(page)).toBeVisible();
  // ...one above the other once the docked panel takes 340 px of it (the screens lay out by their width)
  await expect.poll(below).toBe(true);
});
