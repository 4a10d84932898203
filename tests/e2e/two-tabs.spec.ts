// Two tabs of one browser on one sandbox: both pages live in the test's one browser context, so they
// share IndexedDB, Web Locks and BroadcastChannel as two tabs of a person's browser do. (The small
// helpers below are this spec's own: the shared helpers wait for "Saved in this browser", which a
// follower tab never says.)
import { closeSync, openSync, writeSync } from 'node:fs';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';

const READ_ONLY = 'This sandbox is open for changes in another tab. This tab follows it: read-only.';

const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name, exact: true });
const banner = (page: Page) => page.getByRole('region', { name: 'Read-only tab', exact: true });
const takeOver = (page: Page) => banner(page).getByRole('button', { name: 'Take over', exact: true });
const saved = (page: Page) => page.getByRole('status').filter({ hasText: /^Saved in this browser$/ });
const following = (page: Page) =>
  page.getByRole('status').filter({ hasText: /^Read-only: another tab makes the changes$/ });
const navLink = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main', exact: true }).getByRole('link', { name, exact: true });
const audienceLink = (page: Page, name: string) =>
  page.getByRole('table', { name: 'Audiences', exact: true }).getByRole('link', { name, exact: true });

/** A full page load; a first visit creates the demo sandbox. Waits until the tab knows its role. */
async function openTab(page: Page, path: string, title: string): Promise<void> {
  await page.goto(path);
  await expect(saved(page).or(following(page))).toBeVisible({ timeout: 45_000 });
  await expect(heading(page, title)).toBeVisible();
}

async function reloadTab(page: Page, title: string): Promise<void> {
  await page.reload();
  await expect(saved(page).or(following(page))).toBeVisible({ timeout: 45_000 });
  await expect(heading(page, title)).toBeVisible();
}

async function expectWriter(page: Page): Promise<void> {
  await expect(banner(page)).toBeHidden();
  await expect(saved(page)).toBeVisible({ timeout: 30_000 });
}

async function expectFollower(page: Page): Promise<void> {
  await expect(banner(page)).toContainText(READ_ONLY);
  await expect(following(page)).toBeVisible();
}

/** Fills the audience editor of the Audiences screen and saves. */
async function submitAudience(page: Page, name: string, rule: string): Promise<void> {
  const form = page.getByRole('form', { name: 'Build an audience', exact: true });
  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.getByLabel('Rule', { exact: true }).fill(rule);
  await form.getByRole('button', { name: 'Save audience', exact: true }).click();
}

async function createAudience(page: Page, name: string, rule: string): Promise<void> {
  await submitAudience(page, name, rule);
  await expect(heading(page, name)).toBeVisible({ timeout: 30_000 });
  await expect(saved(page)).toBeVisible({ timeout: 30_000 });
  await navLink(page, 'Audiences').click();
  await expect(heading(page, 'Audiences')).toBeVisible();
}

/** The story both kinds of lock must tell: follow, see saves, take over, and keep every change. */
async function followAndTakeOver(context: BrowserContext, a: Page): Promise<void> {
  await openTab(a, '/audiences/', 'Audiences');
  await expectWriter(a);

  const b = await context.newPage();
  await openTab(b, '/audiences/', 'Audiences');
  await expectFollower(b);
  await expectWriter(a);

  // A follower's change is refused before it reaches its engine, with the reason on screen.
  await submitAudience(b, 'Refused in the follower', 'exists person.email');
  await expect(b.getByRole('alert').filter({ hasText: 'The audience was not created' })).toContainText(
    READ_ONLY
  );

  // The writer's change appears in the follower without a reload.
  await createAudience(a, 'Made in tab A', 'person.address.state = "CA"');
  await expect(audienceLink(b, 'Made in tab A')).toBeVisible({ timeout: 30_000 });

  await takeOver(b).click();
  await expectWriter(b);
  await expectFollower(a);

  // B's change shows in A, which now follows it.
  await createAudience(b, 'Made in tab B', 'person.address.state = "NY"');
  await expect(audienceLink(a, 'Made in tab B')).toBeVisible({ timeout: 30_000 });
  await expect(audienceLink(a, 'Made in tab A')).toBeVisible();
  await expect(audienceLink(a, 'Refused in the follower')).toHaveCount(0);

  // Both changes were saved: both tabs, reloaded, have them.
  for (const tab of [a, b]) {
    await reloadTab(tab, 'Audiences');
    await expect(audienceLink(tab, 'Made in tab A')).toBeVisible();
    await expect(audienceLink(tab, 'Made in tab B')).toBeVisible();
    await expect(audienceLink(tab, 'Refused in the follower')).toHaveCount(0);
  }
}

test('a second tab follows the first read-only, shows its saves, takes over, and no change is lost', async ({
  context,
  page
}) => {
  await followAndTakeOver(context, page);
});

test('without Web Locks (a plain-http LAN address), tabs elect one writer and no change is lost', async ({
  context,
  page
}) => {
  // As in a page that is not a secure context: navigator.locks is not there.
  await context.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'locks', { configurable: true, get: () => undefined });
  });
  await followAndTakeOver(context, page);
  expect(await page.evaluate(() => navigator.locks === undefined)).toBe(true);
});

// Big enough that an upload is still running when its first progress report shows.
const ROWS = 200_000;
function writeBigCsv(path: string): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, 'person.email,person.crmId,person.name.firstName\n');
    for (let start = 0; start < ROWS; start += 50_000) {
      const lines: string[] = [];
      for (let i = start; i < start + 50_000; i++) lines.push(`hung.${i}@tabs.example,CRM-H${i},Name${i}\n`);
      writeSync(fd, lines.join(''));
    }
  } finally {
    closeSync(fd);
  }
}

test('a tab that hangs mid-upload is taken over; its unsaved upload never overwrites the newer save', async ({
  context,
  page: a
}, testInfo) => {
  test.setTimeout(120_000);
  const file = testInfo.outputPath('hung-upload.csv');
  writeBigCsv(file);
  await openTab(a, '/datasets/view/?name=CRM%20Profiles', 'CRM Profiles');
  await expectWriter(a);
  const records = (page: Page) => page.getByTestId('dataset-records');
  await expect(records(a)).toHaveText(/^[\d,]+$/);
  const before = await records(a).innerText();

  const b = await context.newPage();
  await openTab(b, '/audiences/', 'Audiences');
  await expectFollower(b);

  await a.getByLabel('Choose file', { exact: true }).setInputFiles(file);
  await expect(a.getByTestId('ingest-progress')).toContainText(/ of \d/);
  // A hung tab: its page stops at the next line of script it would run (the debugger's pause), so it
  // cannot answer the take-over request; its engine worker goes on with the upload.
  const debug = await context.newCDPSession(a);
  await debug.send('Debugger.enable');
  await debug.send('Debugger.pause');

  await takeOver(b).click();
  await expectWriter(b);
  await expect(b.getByRole('status').filter({ hasText: /did not answer/ })).toBeVisible();
  await createAudience(b, 'Made while A hung', 'person.address.state = "TX"');

  await debug.send('Debugger.resume');
  await debug.send('Debugger.disable');
  await expect(banner(a)).toContainText(READ_ONLY);
  // It says its upload was not kept (so the upload was still unsaved when the lock was taken) ...
  await expect(a.getByRole('status').filter({ hasText: /was not kept/ })).toBeVisible();
  // ... and once its engine is done with that upload (a save it may try is refused), it just follows.
  await expect(following(a)).toBeVisible({ timeout: 60_000 });
  await navLink(a, 'Audiences').click();
  await expect(heading(a, 'Audiences')).toBeVisible();
  await expect(audienceLink(a, 'Made while A hung')).toBeVisible();

  // What is saved is B's state: its audience, and none of the upload A could not save.
  await reloadTab(b, 'Audiences');
  await expect(audienceLink(b, 'Made while A hung')).toBeVisible();
  await b.goto('/datasets/view/?name=CRM%20Profiles');
  await expect(heading(b, 'CRM Profiles')).toBeVisible();
  await expect(records(b)).toHaveText(before);
});
