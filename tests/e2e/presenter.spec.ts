// What a presenter sees walking the two stories (issue 11, "What a presenter sees on the way"):
// audience members named and paged, an audience's labels, the timeline's anonymous history and login,
// no empty partner card, and layouts that hold at 1024 px.
import { expect, test, type Page } from '@playwright/test';
import {
  createSandbox,
  DEMO,
  fixture,
  lookUpProfile,
  onScreen,
  openApp,
  openNav,
  profileName,
  uploadToDataset
} from './helpers';

const SHIPPED = 'High earning homeowner prospects';
const ECID = '71110000000000000000000000000000000001';

const count = async (page: Page, testId: string) =>
  Number((await page.getByTestId(testId).innerText()).replace(/[^\d]/g, ''));

test('an audience lists its members by name and primary identity, shows its labels, and opens a member', async ({
  page
}) => {
  await openApp(page, `/audiences/view/?name=${encodeURIComponent(SHIPPED)}`, SHIPPED);
  const labels = page.getByRole('list', { name: `Labels of ${SHIPPED}`, exact: true });
  await expect(labels.getByRole('listitem')).toHaveText([/THIRD_PARTY/]);

  const members = page.getByRole('table', { name: `Members of ${SHIPPED}`, exact: true });
  const size = await count(page, 'audience-count');
  await expect(page.getByTestId('audience-members-total')).toHaveText(`${size} in all`);
  await expect(members.getByTestId('audience-member')).toHaveCount(Math.min(size, 50));
  const bobby = members.getByTestId('audience-member').filter({
    has: page.getByRole('link', { name: 'Bobby Brown', exact: true })
  });
  await expect(bobby.getByRole('cell').nth(1)).toHaveText(/Email\s+bobby\.brown@example\.com/);
  await expect(bobby.getByRole('cell').nth(2)).toHaveText('Customer');
  // no row is named only by its profile id
  for (const link of await members.getByRole('link').allInnerTexts()) expect(link).not.toMatch(/^pf-/);

  const id = await bobby.getByTestId('member-profile-id').innerText();
  await bobby.getByRole('link', { name: 'Bobby Brown', exact: true }).click();
  await onScreen(page, 'Profile');
  await expect(profileName(page, 'Bobby Brown')).toBeVisible();
  await expect(page.getByTestId('profile-id')).toHaveText(id);
  await expect(page.getByTestId('partner-enrichment')).toBeVisible();
});

test('a large audience pages through its members with an exact total', async ({ page }) => {
  await openApp(page, '/audiences/', 'Audiences');
  await page.getByLabel('Rule', { exact: true }).fill('exists person.email');
  await page.getByLabel('Name', { exact: true }).fill('Everyone with an email');
  await page.getByRole('button', { name: 'Save audience', exact: true }).click();
  await onScreen(page, 'Everyone with an email');
  const size = await count(page, 'audience-count');
  expect(size).toBeGreaterThan(100);
  const range = page.getByTestId('audience-members-range');
  const sizeText = size.toLocaleString('en-US');
  await expect(range).toHaveText(`1–50 of ${sizeText}, by profile id`);
  const pager = page.getByRole('navigation', { name: 'Member pages', exact: true });
  const firstPage = await page.getByTestId('member-profile-id').allInnerTexts();
  await pager.getByRole('button', { name: 'Next', exact: true }).click();
  await expect(range).toHaveText(`51–100 of ${sizeText}, by profile id`);
  const secondPage = await page.getByTestId('member-profile-id').allInnerTexts();
  expect(secondPage).toHaveLength(50);
  expect(secondPage.filter((id) => firstPage.includes(id))).toEqual([]);
  await pager.getByRole('button', { name: 'Previous', exact: true }).click();
  await expect(range).toHaveText(`1–50 of ${sizeText}, by profile id`);
});

test('the timeline marks the anonymous history and the login, shortens the cookie and names the product', async ({
  page
}) => {
  await createSandbox(page, 'E2E presenter retail', 'retail');
  // the Profiles screen's hint speaks of this template's people, not of SecurFinancial's Bobby Brown
  await openNav(page, 'Profiles');
  await expect(page.getByRole('link', { name: 'maria.lopez@example.com', exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: 'bobby.brown@example.com', exact: true })).toHaveCount(0);
  await uploadToDataset(page, 'Customer Profiles', fixture('retail-customer.csv'));
  await uploadToDataset(page, 'Web Events', fixture('retail-web-anonymous.csv'));
  await lookUpProfile(page, 'CRMID', 'CRM-E2E001');
  await expect(profileName(page, 'Robin Field')).toBeVisible();

  const timeline = page.getByTestId('event-timeline');
  const events = timeline.getByTestId('timeline-event');
  await expect(events).toHaveCount(4);
  await expect(page.getByTestId('timeline-legend')).toContainText(
    '2 of 4 events arrived while the visitor was anonymous'
  );
  // newest first: the page after login, the login, then the two anonymous events
  await expect(events.nth(0)).not.toHaveAttribute('data-anonymous');
  await expect(events.nth(1)).toHaveAttribute('data-login');
  await expect(events.nth(1)).toContainText('user.login');
  await expect(events.nth(1)).toContainText('Known from here as CRMID CRM-E2E001');
  for (const i of [2, 3]) {
    await expect(events.nth(i)).toHaveAttribute('data-anonymous');
    await expect(events.nth(i).getByText('Anonymous', { exact: true })).toBeVisible();
  }
  // the 38-digit cookie is shown short, whole on hover and to screen readers
  const cookie = events.nth(3).getByTitle(ECID, { exact: true });
  await expect(cookie).toBeVisible();
  await expect(cookie.locator('[aria-hidden="true"]')).toHaveText('711100…0001');
  await expect(cookie).toContainText(ECID);
  // the product viewed while anonymous, by name
  await expect(events.nth(2)).toContainText('commerce.productView');
  await expect(events.nth(2).getByText('Trail shoe', { exact: true })).toBeVisible();

  // a retail customer has no partner data, and no empty partner card
  await expect(page.getByRole('region', { name: 'Attributes', exact: true })).toBeVisible();
  await expect(page.getByTestId('partner-enrichment')).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Partner enrichment', exact: true })).toHaveCount(0);
});

test.describe('at 1024 px', () => {
  test.use({ viewport: { width: 1024, height: 768 } });

  test('the Sandboxes table shows every action of every row without scrolling sideways', async ({ page }) => {
    await createSandbox(page, 'E2E narrow', 'empty');
    const rows = page.getByTestId('sandbox-row');
    await expect(rows).toHaveCount(2);
    for (const name of [DEMO, 'E2E narrow']) {
      const remove = page.getByRole('button', { name: `Delete ${name}`, exact: true });
      await expect(remove).toBeInViewport({ ratio: 1 });
      const box = (await remove.boundingBox())!;
      const card = (await page.getByRole('region', { name: 'Your sandboxes', exact: true }).boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(card.x + card.width);
    }
    const overflow = await page.evaluate(() =>
      [document.documentElement, ...document.querySelectorAll('.table-wrap')].map(
        (e) => e.scrollWidth - e.clientWidth
      )
    );
    expect(overflow.every((px) => px <= 0)).toBe(true);
  });

  test('profile attribute values wrap between words, not one character a line', async ({ page }) => {
    await openApp(page, '/profiles/?ns=Email&id=bobby.brown%40example.com', 'Profile');
    await expect(profileName(page, 'Bobby Brown')).toBeVisible();
    const attributes = page.getByRole('region', { name: 'Attributes', exact: true });
    for (const [path, value] of [
      ['person.address.street', '1450 Valencia Street'],
      ['account.type', 'brokerage'],
      ['person.email', 'bobby.brown@example.com']
    ]) {
      await expect(attributes.locator(`[data-path="${path}"] .value`)).toHaveText(value);
    }
    // No word of any value is split across two lines (an email may break after its @, which ends a word)
    const split = await attributes.locator('tr[data-path] .value').evaluateAll((cells) =>
      cells.flatMap((cell) => {
        const out: string[] = [];
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          for (const m of (node.textContent ?? '').matchAll(/\S+/g)) {
            const range = document.createRange();
            range.setStart(node, m.index);
            range.setEnd(node, m.index + m[0].length);
            const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
            if (tops.size > 1) out.push(m[0]);
          }
        }
        return out;
      })
    );
    expect(split).toEqual([]);
    const field = (await attributes.locator('[data-path="person.address.street"] th').boundingBox())!;
    const region = (await attributes.boundingBox())!;
    expect(field.width).toBeGreaterThan(region.width * 0.25);
    expect(field.width).toBeLessThan(region.width * 0.5);
  });
});
