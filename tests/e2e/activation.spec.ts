// The last step of both demo stories, driven through the activation wizard as a presenter does it:
// SecurFinancial's partner-enriched prospects go to Facebook as hashed emails but are refused by the
// email service (a policy, with the path the partner data took), and the retail loyal customers go to
// Braze keyed by their persistent profile ids.
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { createSandbox, expectSaved, lookUpProfile, onScreen, openApp } from './helpers';

const WIZARD = 'Activate audiences';
const PROSPECTS = 'High earning homeowner prospects';

/** The wizard's current step: its level-2 heading. */
const stepHeading = (page: Page, name: string) => page.getByRole('heading', { level: 2, name, exact: true });

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

/** Presses Next and waits for the step it leads to. */
async function next(page: Page, step: string) {
  await button(page, 'Next').click();
  await expect(stepHeading(page, step)).toBeVisible();
}

/** Presses Finish, waits for the result, and returns the number of profiles it says were exported. */
async function finish(page: Page): Promise<number> {
  await button(page, 'Finish').click();
  await expect(stepHeading(page, 'Result')).toBeVisible({ timeout: 30_000 });
  return Number((await page.getByTestId('exported-count').innerText()).replace(/,/g, ''));
}

/** Clicks the file's Download button and returns what the browser saved. */
async function download(page: Page, name: RegExp): Promise<{ name: string; text: string }> {
  const saved = page.waitForEvent('download');
  await page.getByRole('button', { name }).click();
  const file = await saved;
  const path = await file.path();
  return { name: file.suggestedFilename(), text: await readFile(path, 'utf8') };
}

/** A CSV the engine wrote (no quoted cells in these files): its header and rows. */
function readCsv(text: string): { header: string[]; rows: string[][] } {
  const lines = text.split(/\r?\n/).filter((l) => l !== '');
  expect(lines.every((l) => !l.includes('"'))).toBe(true);
  const [header, ...rows] = lines.map((l) => l.split(','));
  return { header, rows };
}

test('partner-enriched prospects go to Facebook hashed, and the email service refuses them with lineage', async ({
  page
}) => {
  await openApp(page, '/destinations/activate/', WIZARD);
  await expect(stepHeading(page, 'Choose a destination')).toBeVisible();
  await expect(button(page, 'Next')).toBeDisabled();
  await page.getByRole('radio', { name: 'Facebook Custom Audiences', exact: true }).check();
  await next(page, 'Choose audiences');

  await page.getByRole('checkbox', { name: PROSPECTS, exact: true }).check();
  await next(page, 'Map identities and attributes');
  const email = page.getByRole('checkbox', { name: 'Email', exact: true });
  await email.check();
  await expect(email).toHaveAccessibleDescription(/hashed SHA-256 by Pocket CDP/);
  const profileId = page.getByRole('checkbox', { name: 'Profile id', exact: true });
  await profileId.check();
  await expect(profileId).toHaveAccessibleDescription(/profile id → EXTERN_ID/);
  await expect(
    page.getByText(
      'Facebook Custom Audiences matches on identities only: it takes no profile attributes, so none are sent.',
      { exact: true }
    )
  ).toBeVisible();
  await expect(page.getByRole('table', { name: 'Attributes to send', exact: true })).toHaveCount(0);
  await next(page, 'Schedule');
  await next(page, 'Review');

  await expect(
    page.getByText(
      'Allowed: no enabled policy denies these labels for Cross-site targeting, Segment match or Onsite advertising.',
      { exact: true }
    )
  ).toBeVisible();
  const fields = page.getByRole('table', {
    name: `Fields that reach Facebook Custom Audiences for ${PROSPECTS}`,
    exact: true
  });
  await expect(fields).toContainText('partner.netWorth');
  await expect(fields).toContainText('Identity Email');
  await expect(button(page, 'Finish')).toBeEnabled();
  const exported = await finish(page);
  expect(exported).toBeGreaterThan(0);

  const file = await download(page, /^Download facebook_.+\.csv$/);
  expect(file.name).toMatch(/^facebook_high-earning-homeowner-prospects_\d{14}\.csv$/);
  expect(file.text).not.toContain('@');
  const { header, rows } = readCsv(file.text);
  expect(header).toEqual(expect.arrayContaining(['EMAIL', 'EXTERN_ID']));
  const at = header.indexOf('EMAIL');
  for (const row of rows) expect(row[at]).toMatch(/^([0-9a-f]{64})?$/);
  expect(rows.some((row) => row[at] !== '')).toBe(true);
  expect(rows).toHaveLength(exported);
  // the preview on screen shows the same hashed lines
  await expect(page.getByLabel(`First lines of ${file.name}`, { exact: true })).toContainText(
    file.text.split(/\r?\n/)[1]
  );

  // The same audience to the email service: its marketing action is email targeting, which a policy
  // denies for partner data. The URL preselects the destination and the audience.
  await expectSaved(page);
  await openApp(
    page,
    `/destinations/activate/?destination=email-marketing&audience=${encodeURIComponent(PROSPECTS)}`,
    WIZARD
  );
  await expect(stepHeading(page, 'Choose audiences')).toBeVisible();
  await expect(page.getByRole('checkbox', { name: PROSPECTS, exact: true })).toBeChecked();
  await next(page, 'Map identities and attributes');
  await next(page, 'Schedule');
  await next(page, 'Review');

  await expect(
    page.getByText('Blocked: an enabled policy denies sending this audience to Email marketing (ESP).', {
      exact: true
    })
  ).toBeVisible();
  const violation = page.getByRole('article', {
    name: 'Violation of No partner data in email targeting',
    exact: true
  });
  await expect(
    violation.getByRole('heading', { name: 'No partner data in email targeting', exact: true })
  ).toBeVisible();
  await expect(violation).toContainText('Email targeting');
  await expect(violation).toContainText('THIRD_PARTY');
  const path = violation.getByRole('list', {
    name: 'Lineage of partner.netWorth to Email marketing (ESP)',
    exact: true
  });
  for (const node of [
    'Partner Enrichment',
    'partner.netWorth',
    'Default timestamp-ordered',
    PROSPECTS,
    'Email marketing (ESP)'
  ]) {
    await expect(path.getByRole('link', { name: node, exact: true })).toBeVisible();
  }
  await expect(path.getByRole('link', { name: 'Partner Enrichment', exact: true })).toHaveAttribute(
    'href',
    /\/datasets\/view\/\?name=Partner(\+|%20)Enrichment$/
  );
  await expect(path.getByRole('link', { name: 'Email marketing (ESP)', exact: true })).toHaveAttribute(
    'href',
    /\/destinations\/view\/\?id=email-marketing$/
  );
  const finishButton = button(page, 'Finish');
  await expect(finishButton).toBeDisabled();
  await expect(finishButton).toHaveAccessibleDescription(/^Blocked by "No partner data in email targeting"/);
  await expect(
    page.getByText(
      'Pocket CDP checks policies again when it exports: a blocked activation cannot be forced.',
      {
        exact: true
      }
    )
  ).toBeVisible();
});

test('loyal customers go to Braze keyed by their persistent profile ids', async ({ page }) => {
  await createSandbox(page, 'E2E retail activation', 'retail');
  await openApp(
    page,
    `/destinations/activate/?destination=braze&audience=${encodeURIComponent('Loyal customers')}`,
    WIZARD
  );
  await expect(stepHeading(page, 'Choose audiences')).toBeVisible();
  await expect(page.getByRole('checkbox', { name: 'Loyal customers', exact: true })).toBeChecked();
  const members = page.locator('[data-testid="audience-members"][data-audience="Loyal customers"]');
  await expect(members).toHaveText(/^\d[\d,]* members?$/);
  const memberCount = Number((await members.innerText()).replace(/[^\d]/g, ''));
  expect(memberCount).toBeGreaterThan(0);
  await next(page, 'Map identities and attributes');

  await page.getByRole('checkbox', { name: 'Profile id', exact: true }).check();
  await expect(page.getByRole('checkbox', { name: 'Profile id', exact: true })).toHaveAccessibleDescription(
    /profile id → external_id/
  );
  await page.getByRole('checkbox', { name: 'Email', exact: true }).check();
  await page.getByRole('checkbox', { name: 'calc.lifetimeRevenue', exact: true }).check();
  await expect(page.getByLabel('Name at destination for calc.lifetimeRevenue', { exact: true })).toHaveValue(
    'lifetime_revenue'
  );
  await next(page, 'Schedule');
  await next(page, 'Review');
  await expect(page.getByText(/^Allowed: no enabled policy denies/)).toBeVisible();
  const fields = page.getByRole('table', {
    name: 'Fields that reach Braze for Loyal customers',
    exact: true
  });
  await expect(fields).toContainText('Calculated attribute calc.lifetimeRevenue');
  const exported = await finish(page);
  expect(exported).toBe(memberCount);

  const file = await download(page, /^Download braze_loyal-customers_.+\.csv$/);
  const { header, rows } = readCsv(file.text);
  expect(header.slice(0, 3)).toEqual(['external_id', 'email', 'lifetime_revenue']);
  expect(rows).toHaveLength(memberCount);
  for (const row of rows) expect(row[0]).toMatch(/^pf-/);
  expect(new Set(rows.map((r) => r[0])).size).toBe(rows.length);

  // the next activation starts its own mapping: Braze's attributes are not sent to Amplitude unasked
  await button(page, 'Start a new activation').click();
  await expect(stepHeading(page, 'Choose a destination')).toBeVisible();
  await page.getByRole('radio', { name: 'Amplitude', exact: true }).check();
  await next(page, 'Choose audiences');
  await page.getByRole('checkbox', { name: 'Loyal customers', exact: true }).check();
  await next(page, 'Map identities and attributes');
  await expect(page.getByRole('checkbox', { name: 'calc.lifetimeRevenue', exact: true })).not.toBeChecked();

  // external_id is the member's persistent profile id: the Profiles screen finds the same profile by it
  const [externalId, email] = rows.find((r) => r[1] !== '') ?? rows[0];
  await expectSaved(page);
  await lookUpProfile(page, 'profileId', externalId);
  await expect(page.getByTestId('profile-id')).toHaveText(externalId);
  if (email) await expect(page.getByTestId('linked-identities')).toContainText(email);
  await onScreen(page, 'Profile');
});
