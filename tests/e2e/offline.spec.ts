// The app after a first visit, with no network at all: the service worker (src/service-worker/index.ts)
// serves every file of the build from its cache. Each test serves its own copy of build/ with
// scripts/serve.mjs, so that "offline" is real: the server is stopped, not only hidden. On top of that
// the context goes offline and aborts every request that reaches it; in Chromium both also reach the
// service worker's own fetches (checked: a fetch the worker passes on fails under either), so a
// request recorded there is one that the worker's cache did not answer.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import {
  DEMO,
  copyOfBuild,
  expectSaved,
  fixture,
  lookUpProfile,
  onScreen,
  openApp,
  profileName,
  serveFolder,
  serviceWorkerControls,
  uploadToDataset
} from './helpers';

const NOTICE = 'A new version of Pocket CDP is ready.';

/** Every file of a build folder, as paths from its root with forward slashes. */
async function filesOf(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(folder, join(e.parentPath, e.name)).split(sep).join('/'));
}

/** The paths the service worker's caches hold, by cache name. */
const cachedPaths = (page: Page) =>
  page.evaluate(async () => {
    const found: Record<string, string[]> = {};
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      found[name] = (await cache.keys()).map((r) => new URL(r.url).pathname);
    }
    return found;
  });

/** Cuts the browser context off the network, the page's requests and the service worker's alike. */
async function goOffline(context: BrowserContext): Promise<string[]> {
  const attempts: string[] = [];
  await context.setOffline(true);
  await context.route('**/*', async (route) => {
    attempts.push(route.request().url());
    await route.abort('internetdisconnected');
  });
  return attempts;
}

test('after a first visit, the app reloads, looks a profile up and ingests a file with the network off', async ({
  browser
}) => {
  const copy = await copyOfBuild();
  const server = await serveFolder(copy.folder);
  const context = await browser.newContext({
    baseURL: server.origin,
    viewport: { width: 1280, height: 720 }
  });
  try {
    const page = await context.newPage();
    // Only the overview is visited online: every other screen below is code the first visit never
    // asked for, so it can only come from the worker's precache, not from a cache of what was seen.
    await openApp(page, '/', DEMO);
    expect(await serviceWorkerControls(page)).toBe(`${server.origin}/`);

    // The cache holds the whole build: every hashed chunk (lazily loaded routes, the engine's worker
    // and the chunks that worker imports itself), the sql.js wasm, every page, the fallback, static files.
    const built = (await filesOf(copy.app)).filter(
      (f) => f !== 'service-worker.js' && f !== '_app/version.json' && !f.startsWith('.')
    );
    expect(built).toContain('200.html');
    expect(built.some((f) => f.endsWith('.wasm'))).toBe(true);
    expect(built.some((f) => f.startsWith('_app/immutable/workers/chunks/'))).toBe(true);
    const caches = await cachedPaths(page);
    expect(Object.keys(caches)).toHaveLength(1);
    const cached = new Set(Object.values(caches)[0]);
    // A page is cached under its route's path (schemas/view/index.html as /schemas/view/).
    const urlPath = (f: string) => `/${f.replace(/(^|\/)index\.html$/, '$1')}`;
    expect(built.filter((f) => !cached.has(urlPath(f)))).toEqual([]);

    await server.close();
    const attempts = await goOffline(context);

    await page.reload();
    await expectSaved(page, 45_000);
    await onScreen(page, DEMO);

    await lookUpProfile(page, 'Email', 'bobby.brown@example.com');
    await expect(profileName(page, 'Bobby Brown')).toBeVisible();

    const report = await uploadToDataset(page, 'CRM Profiles', fixture('crm-customers.csv'));
    await expect(report.locator('[data-status]')).toHaveText('Success');
    await expect(report.getByTestId('rows-ingested')).toHaveText('12');
    await lookUpProfile(page, 'Email', 'ada.quincey@fixture.example');
    await expect(profileName(page, 'Ada Quincey')).toBeVisible();

    // A deep link typed into the address bar, offline: the worker answers with that route's page.
    await openApp(page, '/schemas/view/?name=Partner%20Data%20Enrichment', 'Partner Data Enrichment');
    await expect(page.getByRole('status', { name: 'App version', exact: true })).toBeEmpty();
    // Nothing the app needed went past the worker (SvelteKit's version.json is not the app's).
    expect(attempts.filter((url) => !url.endsWith('/_app/version.json'))).toEqual([]);
  } finally {
    await context.close();
    await server.close();
    await copy.remove();
  }
});

test('a new build is offered with a notice and taken only on Reload, never mixed with the running one', async ({
  browser
}) => {
  const copy = await copyOfBuild();
  const server = await serveFolder(copy.folder);
  const context = await browser.newContext({
    baseURL: server.origin,
    viewport: { width: 1280, height: 720 }
  });
  try {
    const page = await context.newPage();
    await openApp(page, '/', DEMO);
    await serviceWorkerControls(page);
    const description = page.locator('meta[name="description"]');
    const firstDescription = await description.getAttribute('content');

    // A second build, made the quick way: a real build would change chunk names and the version
    // SvelteKit writes into service-worker.js; here the copy's service-worker.js gets a new version
    // string (so the browser sees a new worker, which precaches into a new cache) and its overview
    // page a new description (so the test can tell which version's page is shown).
    const { version } = JSON.parse(await readFile(join(copy.app, '_app/version.json'), 'utf8')) as {
      version: string;
    };
    const worker = await readFile(join(copy.app, 'service-worker.js'), 'utf8');
    expect(worker).toContain(version);
    await writeFile(join(copy.app, 'service-worker.js'), worker.replaceAll(version, `${version}-next`));
    const index = await readFile(join(copy.app, 'index.html'), 'utf8');
    await writeFile(
      join(copy.app, 'index.html'),
      index.replace(/(<meta\s+name="description"\s+content=")[^"]*"/, '$1The next build."')
    );

    // The next visit: the running version still serves its own page, and the new one waits.
    await page.reload();
    await expectSaved(page, 45_000);
    const notice = page.getByRole('status', { name: 'App version', exact: true });
    await expect(notice).toContainText(NOTICE);
    await expect(description).toHaveAttribute('content', firstDescription ?? '');
    await expect
      .poll(async () => Object.keys(await cachedPaths(page)).sort())
      .toEqual([expect.stringMatching(/ \d+$/), expect.stringMatching(/-next$/)]);

    // For a human to look at: `SHOTS=/tmp/shots npx playwright test offline`.
    const shots = process.env.SHOTS;
    if (shots) {
      await page.screenshot({ path: `${shots}/update-notice.png` });
      await page.setViewportSize({ width: 1024, height: 768 });
      await page.screenshot({ path: `${shots}/update-notice-1024.png` });
      await page.setViewportSize({ width: 1280, height: 720 });
    }

    let loads = 0;
    page.on('load', () => loads++);
    await notice.getByRole('button', { name: 'Reload', exact: true }).click();
    await expect(description).toHaveAttribute('content', 'The next build.');
    await expectSaved(page, 45_000);
    await onScreen(page, DEMO);
    await expect(notice).toBeEmpty();
    // The old version's cache is gone with it, and the page reloaded once.
    expect(Object.keys(await cachedPaths(page))).toEqual([expect.stringMatching(/-next$/)]);
    expect(loads).toBe(1);
  } finally {
    await context.close();
    await server.close();
    await copy.remove();
  }
});
