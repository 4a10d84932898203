import { createRequire } from 'node:module';
import { expect, test, type Page } from '@playwright/test';
import { fixture, openApp, uploadToDataset } from './helpers';

const axePath = createRequire(import.meta.url).resolve('axe-core');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
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

const screens: [string, string][] = [
  ['/', 'SecurFinancial demo'],
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
    await openApp(page, path);
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    await expect(page.getByRole('status').filter({ hasText: /Loading|Looking up/ })).toHaveCount(0);
    expect(await seriousViolations(page)).toEqual([]);
  });
}

test('no serious accessibility violations on a dataset with a batch report, chart and history', async ({
  page
}) => {
  await openApp(page, '/');
  const report = await uploadToDataset(page, 'CRM Profiles', fixture('crm-bad.csv'));
  await expect(report.locator('[data-status]')).toHaveText('Failed');
  await uploadToDataset(page, 'CRM Profiles', fixture('crm-customers.csv'));
  await expect(page.getByRole('table', { name: 'Batch history' })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  await page.goto('/profiles/?ns=Email&id=ada.quincey%40fixture.example');
  await expect(page.getByTestId('identity-graph')).toBeVisible({ timeout: 30_000 });
  expect(await seriousViolations(page)).toEqual([]);
});
