// The sandbox dashboards and a dataset's batch monitoring, as a presenter uses them: the counts agree
// with the overview, a batch adds a point to the profile count, a batch opens its report, and chart.js
// stays out of the first page's JavaScript.
import { createRequire } from 'node:module';
import { expect, test, type Page } from '@playwright/test';
import {
  createSandbox,
  DEMO,
  expectSaved,
  fixture,
  onScreen,
  openApp,
  openNav,
  pageHeading,
  runScriptFile,
  uploadToDataset
} from './helpers';

test.setTimeout(120_000);

/** axe-core's serious and critical findings on the screen as it is (as tests/e2e/a11y.spec.ts runs it). */
async function seriousViolations(page: Page): Promise<string[]> {
  await runScriptFile(page, createRequire(import.meta.url).resolve('axe-core'));
  const violations = await page.evaluate(async () => {
    type Found = { id: string; impact: string | null; nodes: { target: string[] }[] };
    const axe = (window as unknown as { axe: { run: (d: Document) => Promise<{ violations: Found[] }> } })
      .axe;
    return (await axe.run(document)).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const card = (page: Page, title: string) => page.getByRole('region', { name: title, exact: true });

/** A card's table of numbers, opened from its disclosure. */
async function numbers(page: Page, title: string) {
  const region = card(page, title);
  const details = region.locator('details');
  if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open)))
    await region.getByText('Table of the numbers', { exact: true }).click();
  return region.getByRole('table', { name: title, exact: true });
}

test('the dashboards count what the overview counts, and each batch adds a point to the profile count', async ({
  page
}) => {
  await createSandbox(page, 'E2E dashboards', 'retail');
  await openApp(page, '/', 'E2E dashboards');
  const overview: Record<string, string> = {};
  for (const k of ['profiles', 'customers', 'prospects', 'anonymous', 'identities'])
    overview[k] = await page.getByTestId(`count-${k}`).innerText();

  await openNav(page, 'Dashboards');
  for (const [k, v] of Object.entries(overview)) await expect(page.getByTestId(`dash-${k}`)).toHaveText(v);
  await expect(page.getByTestId('profile-count-now')).toHaveText(overview.profiles);
  // every chart has its numbers as a table
  for (const title of [
    'Profile count over time',
    'Customers, prospects and anonymous',
    'Profiles by identity namespace',
    'Identity graph size'
  ]) {
    await expect(card(page, title).getByRole('img')).toBeVisible();
    await expect(await numbers(page, title)).toBeVisible();
  }
  const history = await numbers(page, 'Profile count over time');
  // the retail sample arrives as three batches
  await expect(history.locator('tbody tr')).toHaveCount(3);
  await expect(history.locator('tbody tr').last().locator('td').last()).toHaveText(overview.profiles);
  const sizes = await numbers(page, 'Identity graph size');
  await expect(sizes.getByRole('rowheader', { name: '50 (the limit)', exact: true })).toBeVisible();
  // the shared family laptop: a unique CRM id kept two people apart
  await expect(page.getByTestId('dash-refusals')).toHaveText('2');
  const overlap = page.getByRole('table', { name: 'Identity namespace overlap', exact: true });
  await expect(overlap.getByTestId('overlap-CRMID-CRMID')).toHaveText(overview.customers);
  // audiences are counted and each opens its page
  const audiences = page.getByRole('table', { name: 'Audience sizes', exact: true });
  await expect(audiences.getByTestId('audience-size-row')).toHaveCount(2);
  expect(await seriousViolations(page)).toEqual([]);

  // One more customer: the series gains a point and every count follows.
  const report = await uploadToDataset(page, 'Customer Profiles', fixture('retail-customer.csv'));
  await expect(report.locator('[data-status]')).toHaveText('Success');
  await openNav(page, 'Dashboards');
  const more = String(Number(overview.profiles.replace(/,/g, '')) + 1);
  await expect(page.getByTestId('dash-profiles')).toHaveText(more);
  const after = await numbers(page, 'Profile count over time');
  await expect(after.locator('tbody tr')).toHaveCount(4);
  await expect(after.locator('tbody tr').last()).toContainText('Customer Profiles');
  await expect(after.locator('tbody tr').last().locator('td').last()).toHaveText(more);

  await audiences.getByRole('link', { name: 'Loyal customers', exact: true }).click();
  await onScreen(page, 'Loyal customers');
});

test('a dataset charts its batches over time, and a batch opens its report', async ({ page }) => {
  await createSandbox(page, 'E2E batch chart', 'retail');
  await uploadToDataset(page, 'Customer Profiles', fixture('retail-customer.csv'));
  await page.getByRole('button', { name: 'Close the batch report', exact: true }).click();
  await expect(page.getByTestId('batch-report')).toHaveCount(0);

  await expect(
    page.getByRole('img', { name: /^Rows ingested and failed per batch, oldest first: 251 ingested/ })
  ).toBeVisible();
  const history = page.getByRole('table', { name: 'Batch history', exact: true });
  await expect(history.getByTestId('batch-row')).toHaveCount(2);
  await expect(history.getByRole('columnheader', { name: 'Size', exact: true })).toBeVisible();
  await expect(history.getByRole('columnheader', { name: 'Duration', exact: true })).toBeVisible();
  await expect(history.getByTestId('batch-duration').first()).toHaveText(/^\d[\d.]* (ms|s)$/);
  await expect(history.getByTestId('batch-size').first()).toHaveText(/^\d[\d.]* (B|KB|MB)$/);

  const sample = 'retail-sample-customer-profiles.json';
  await history.getByRole('button', { name: `Report for ${sample}`, exact: true }).click();
  const report = page.getByTestId('batch-report');
  await expect(report.getByRole('heading', { name: `Batch report: ${sample}`, exact: true })).toBeVisible();
  await expect(report.getByTestId('rows-ingested')).toHaveText('250');
  await expectSaved(page);
});

test("chart.js is not in the first page's JavaScript and loads with the first chart", async ({ page }) => {
  const scripts: string[] = [];
  page.on('response', (r) => {
    if (r.request().resourceType() === 'script' && r.frame() === page.mainFrame()) scripts.push(r.url());
  });
  await openApp(page, '/', DEMO);
  // chart.js's own API, present in its chunk and nowhere else
  const isChartJs = async (url: string) =>
    (await (await page.request.get(url)).text()).includes('getDatasetMeta');
  const first = [...scripts];
  expect(first.length).toBeGreaterThan(0);
  for (const url of first) expect(await isChartJs(url), url).toBe(false);

  await page.goto('/dashboards/');
  await expect(pageHeading(page, 'Dashboards')).toBeVisible();
  await expect(card(page, 'Profile count over time').getByRole('img')).toBeVisible({ timeout: 30_000 });
  await expect
    .poll(async () => {
      for (const url of scripts.slice(first.length)) if (await isChartJs(url)) return true;
      return false;
    })
    .toBe(true);
});
