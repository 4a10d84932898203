// What every spec does the way a user does it, written once so that no spec races a navigation:
// after any page load or navigation click, the next locator is only resolved once the new screen's
// level-1 heading shows, because until then the screen being left is still in the page (and its
// "Identity namespaces" table answers to a loose "Identity namespace" label). Locators use exact
// accessible names; a regex is used only where a name has a variable or descriptive tail.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { spawn } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';

/** The sandbox a first visit creates, and the overview's heading while it is open. */
export const DEMO = 'SecurFinancial demo';

export const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** A screen's title: every screen has exactly one level-1 heading. */
export const pageHeading = (page: Page, name: string) =>
  page.getByRole('heading', { level: 1, name, exact: true });

/** Waits until the screen titled `heading` is the one shown. */
export async function onScreen(page: Page, heading: string): Promise<void> {
  await expect(pageHeading(page, heading)).toBeVisible();
}

/**
 * Waits until the top bar says the open sandbox is saved. Called after a change has shown on screen
 * (the save is scheduled before the change is drawn), so a full page load after it reopens the
 * sandbox with the change: a person would be held back by the before-unload warning, page.goto is not.
 */
export async function expectSaved(page: Page, timeout = 30_000): Promise<void> {
  await expect(page.getByRole('status').filter({ hasText: /^\s*Saved in this browser\s*$/ })).toBeVisible({
    timeout
  });
}

/** A full page load of `path`: waits for a sandbox to be open (a first visit creates the demo) and the screen. */
export async function openApp(page: Page, path: string, heading: string): Promise<void> {
  await page.goto(path);
  await expectSaved(page, 45_000);
  await onScreen(page, heading);
}

/** Reloads the page as a user pressing F5 would, and waits for the sandbox and the screen again. */
export async function reloadApp(page: Page, heading: string): Promise<void> {
  await page.reload();
  await expectSaved(page, 45_000);
  await onScreen(page, heading);
}

/** A screen of the left navigation. */
export const navLink = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main', exact: true }).getByRole('link', { name, exact: true });

/** Opens a screen from the left navigation; its heading is its navigation label unless said otherwise. */
export async function openNav(page: Page, name: string, heading = name): Promise<void> {
  await navLink(page, name).click();
  await onScreen(page, heading);
}

/** The sandbox switcher of the top bar. */
export const sandboxSwitcher = (page: Page) => page.getByLabel('Sandbox', { exact: true });

const TEMPLATE_TITLES = {
  securfinancial: 'SecurFinancial (bank)',
  retail: 'Retail',
  empty: 'Empty'
} as const;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export async function createSandbox(page: Page, name: string, template: keyof typeof TEMPLATE_TITLES) {
  await openApp(page, '/sandboxes/', 'Sandboxes');
  const form = page.getByRole('form', { name: 'Create a sandbox', exact: true });
  await form.getByLabel('Name', { exact: true }).fill(name);
  // A template's accessible name is its title followed by its description.
  await form.getByRole('radio', { name: new RegExp(`^${escapeRegExp(TEMPLATE_TITLES[template])} `) }).check();
  await form.getByRole('button', { name: 'Create sandbox', exact: true }).click();
  await expect(form.getByText(`Sandbox "${name}" is ready and active.`, { exact: true })).toBeVisible({
    timeout: 45_000
  });
  await expect(sandboxSwitcher(page).locator('option:checked')).toHaveText(name);
}

/** Uploads a file with the file picker of a dataset's screen and returns the batch report region. */
export async function uploadToDataset(page: Page, dataset: string, file: string) {
  await openApp(page, `/datasets/view/?name=${encodeURIComponent(dataset)}`, dataset);
  await page.getByLabel('Choose file', { exact: true }).setInputFiles(file);
  const report = page.getByTestId('batch-report');
  await expect(report).toBeVisible({ timeout: 30_000 });
  await expectSaved(page);
  return report;
}

/** Looks a profile up with the form of the Profiles screen, as a user types it, and waits for it. */
export async function lookUpProfile(page: Page, namespace: string, value: string) {
  await openNav(page, 'Profiles');
  const form = page.getByRole('search', { name: 'Profile lookup', exact: true });
  await form.getByLabel('Identity namespace', { exact: true }).selectOption(namespace);
  await form.getByLabel('Identity value', { exact: true }).fill(value);
  await form.getByRole('button', { name: 'View profile', exact: true }).click();
  await expect(page).toHaveURL(
    (url) => url.searchParams.get('ns') === namespace && url.searchParams.get('id') === value
  );
  await onScreen(page, 'Profile');
  await expect(page.getByTestId('profile-id')).toBeVisible({ timeout: 15_000 });
}

/** The heading that names the profile on screen (a person's name, else its first identity). */
export const profileName = (page: Page, name: string) =>
  page.getByRole('heading', { level: 2, name, exact: true });

/** A table row that has a cell reading exactly `text`. */
export const rowWithCell = (scope: Page | Locator, text: string) => {
  const page = 'page' in scope ? scope.page() : scope;
  return scope.getByRole('row').filter({ has: page.getByRole('cell', { name: text, exact: true }) });
};

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

/** A copy of the built site in a fresh temporary folder, at `subPath` inside it ('' for its root). */
export interface BuildCopy {
  /** The folder a server serves. */
  folder: string;
  /** Where the build itself sits in it. */
  app: string;
  remove(): Promise<void>;
}

/** Copies build/ (built before the run) as a workshop copies it, under `subPath` (e.g. 'some/sub/path'). */
export async function copyOfBuild(subPath = ''): Promise<BuildCopy> {
  const folder = await mkdtemp(join(tmpdir(), 'pocket-cdp-'));
  const app = join(folder, ...subPath.split('/').filter(Boolean));
  await cp(fileURLToPath(new URL('../../build', import.meta.url)), app, { recursive: true });
  return { folder, app, remove: () => rm(folder, { recursive: true, force: true }) };
}

/** A running scripts/serve.mjs. */
export interface StaticServer {
  /** `http://127.0.0.1:port`, no trailing slash. */
  origin: string;
  /** Stops the server and waits until it has exited. */
  close(): Promise<void>;
}

/** Serves `folder` with scripts/serve.mjs on a free port, as `node scripts/serve.mjs <folder>` does. */
export async function serveFolder(folder: string): Promise<StaticServer> {
  const script = fileURLToPath(new URL('../../scripts/serve.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, folder, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit']
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const origin = await new Promise<string>((found, failed) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /at (http:\/\/127\.0\.0\.1:\d+)\//.exec(out)?.[1];
      if (url) found(url);
    });
    child.once('exit', (code) => failed(new Error(`serve.mjs exited (${code}) before serving: ${out}`)));
  });
  return {
    origin,
    close: async () => {
      if (child.exitCode === null) child.kill();
      await exited;
    }
  };
}

/**
 * Waits until the service worker controls the page, and returns its scope. A worker activates only
 * once it has cached every file of its version, so from then on the app needs no network.
 */
export async function serviceWorkerControls(page: Page): Promise<string> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
    timeout: 30_000
  });
  return page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
}

/**
 * Writes a CRM Profiles upload of `rows` made-up customers with the columns of crm-customers.csv, to
 * be still ingesting when a test acts mid-upload (the engine reads it in 1 MB chunks).
 */
export async function writeBigCrmCsv(path: string, rows: number): Promise<void> {
  const { open } = await import('node:fs/promises');
  const header = (await readFile(fixture('crm-customers.csv'), 'utf8')).split('\n')[0];
  const file = await open(path, 'w');
  try {
    await file.write(`${header}\n`);
    for (let start = 0; start < rows; start += 20_000) {
      const lines: string[] = [];
      for (let i = start; i < Math.min(rows, start + 20_000); i++)
        lines.push(
          `big.${i}@bulk.example,CRM-B${i},,First${i},Last${i},1980-01-01,${i} Main Street,Springfield,IL,62701,US,checking,standard,100.00,true,2015-01-01,true,2026-01-10T10:00:00Z\n`
        );
      await file.write(lines.join(''));
    }
  } finally {
    await file.close();
  }
}

/**
 * Runs a script file in the page, as test tooling needs (axe-core). The page's Content Security Policy
 * refuses the inline <script> that page.addScriptTag adds; an evaluation through DevTools is not the
 * page's own script, so the policy does not apply to it.
 */
export async function runScriptFile(page: Page, path: string): Promise<void> {
  await page.evaluate(await readFile(path, 'utf8'));
}
