import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';

export const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** Opens a screen and waits until the app has a sandbox open (first visits create the demo one). */
export async function openApp(page: Page, path = '/'): Promise<void> {
  await page.goto(path);
  await expect(page.getByRole('status').filter({ hasText: 'Saved in this browser' })).toBeVisible({
    timeout: 45_000
  });
}

export async function createSandbox(
  page: Page,
  name: string,
  template: 'securfinancial' | 'retail' | 'empty'
) {
  await openApp(page, '/sandboxes/');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.locator(`input[name="template"][value="${template}"]`).check();
  await page.getByRole('button', { name: 'Create sandbox' }).click();
  await expect(page.getByText(`Sandbox "${name}" is ready and active.`)).toBeVisible({ timeout: 45_000 });
  await expect(page.getByLabel('Sandbox', { exact: true })).toHaveValue(/.+/);
  await expect(page.getByLabel('Sandbox', { exact: true }).locator('option:checked')).toHaveText(name);
}

/** Uploads a file with the file picker of a dataset's screen and returns the batch report region. */
export async function uploadToDataset(page: Page, dataset: string, file: string) {
  await page.goto(`/datasets/view/?name=${encodeURIComponent(dataset)}`);
  await expect(page.getByRole('heading', { level: 1, name: dataset })).toBeVisible();
  await page.getByLabel('Choose file').setInputFiles(file);
  const report = page.getByTestId('batch-report');
  await expect(report).toBeVisible({ timeout: 30_000 });
  // A full page load before the save lands would reopen the sandbox as it was (a person would be
  // asked to stay by the before-unload warning; page.goto does not ask)
  await expect(page.getByRole('status').filter({ hasText: 'Saved in this browser' })).toBeVisible({
    timeout: 30_000
  });
  return report;
}

/** A screen of the left navigation. */
export const navLink = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

export async function lookUpProfile(page: Page, namespace: string, value: string) {
  await navLink(page, 'Profiles').click();
  await page.getByLabel('Identity namespace').selectOption(namespace);
  await page.getByLabel('Identity value').fill(value);
  await page.getByRole('button', { name: 'View profile' }).click();
  await expect(page.getByTestId('profile-id')).toBeVisible({ timeout: 15_000 });
}

/** Drops a file on an element the way a browser does: dragenter, dragover, then drop with a DataTransfer. */
export async function dropFile(target: Locator, path: string, mimeType: string): Promise<void> {
  const text = await readFile(path, 'utf8');
  const dataTransfer = await target.page().evaluateHandle(
    ({ text, name, mimeType }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], name, { type: mimeType }));
      return dt;
    },
    { text, name: basename(path), mimeType }
  );
  for (const type of ['dragenter', 'dragover', 'drop']) await target.dispatchEvent(type, { dataTransfer });
}
