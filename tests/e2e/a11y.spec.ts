import { createRequire } from 'node:module';
import { expect, test, type Page } from '@playwright/test';
import { DEMO, fixture, openApp, runScriptFile, uploadToDataset } from './helpers';

const axePath = createRequire(import.meta.url).resolve('axe-core');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

async function seriousViolations(page: Page): Promise<string[]> {
  await runScriptFile(page, axePath);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    return (await axe.run(document)).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Nothing on screen is still loading: axe checks the screen a user reads, not a spinner. */
async function settled(page: Page): Promise<void> {
  await expect(
    page.getByRole('status').filter({ hasText: /Loading|Looking up|Evaluating|Reading|Opening/ })
  ).toHaveCount(0);
}

const screens: [string, string][] = [
  ['/', DEMO],
  ['/sandboxes/', 'Sandboxes'],
  ['/schemas/', 'Schemas'],
  ['/schemas/view/?name=CRM%20Profile', 'CRM Profile'],
  ['/schemas/new/', 'Create schema'],
  ['/datasets/', 'Datasets'],
  ['/datasets/view/?name=CRM%20Profiles', 'CRM Profiles'],
  ['/identities/', 'Identities'],
  ['/profiles/', 'Profiles'],
  ['/profiles/?ns=Email&id=bobby.brown%40example.com', 'Profile'],
  ['/profiles/calculated/', 'Calculated attributes'],
  ['/profiles/merge-policies/', 'Merge policies'],
  ['/profiles/api/', 'Profile API'],
  ['/audiences/', 'Audiences']
];

for (const [path, heading] of screens) {
  test(`no serious accessibility violations on ${path}`, async ({ page }) => {
    await openApp(page, path, heading);
    await settled(page);
    expect(await seriousViolations(page)).toEqual([]);
  });
}

test('no serious accessibility violations on a dataset with a batch report, chart and history', async ({
  page
}) => {
  await openApp(page, '/', DEMO);
  const report = await uploadToDataset(page, 'CRM Profiles', fixture('crm-bad.csv'));
  await expect(report.locator('[data-status]')).toHaveText('Failed');
  const second = await uploadToDataset(page, 'CRM Profiles', fixture('crm-customers.csv'));
  await expect(second.locator('[data-status]')).toHaveText('Success');
  await expect(
    page.getByRole('table', { name: 'Batch history', exact: true }).getByTestId('batch-row')
  ).toHaveCount(3);
  expect(await seriousViolations(page)).toEqual([]);

  await openApp(page, '/profiles/?ns=Email&id=ada.quincey%40fixture.example', 'Profile');
  await expect(page.getByTestId('identity-graph')).toBeVisible({ timeout: 30_000 });
  expect(await seriousViolations(page)).toEqual([]);
});
