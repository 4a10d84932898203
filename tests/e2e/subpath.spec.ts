// The built folder works wherever it is served from: the same smoke test with the build at a site's
// root and copied into /some/sub/path/ of another folder (a workshop's USB stick, a shared web space),
// each served by scripts/serve.mjs on a port of its own. Nothing may be asked for outside the folder:
// a path that escaped it (an absolute '/_app/…') would be a request recorded below.
import { expect, test } from '@playwright/test';
import {
  DEMO,
  copyOfBuild,
  lookUpProfile,
  onScreen,
  openApp,
  openNav,
  profileName,
  reloadApp,
  rowWithCell,
  serveFolder,
  serviceWorkerControls,
  type BuildCopy,
  type StaticServer
} from './helpers';

for (const mount of ['', 'some/sub/path/']) {
  test.describe(`the built site at /${mount}`, () => {
    let copy: BuildCopy | undefined;
    let server: StaticServer | undefined;
    let base = '';

    test.beforeAll(async () => {
      copy = await copyOfBuild(mount);
      server = await serveFolder(copy.folder);
      base = `${server.origin}/${mount}`;
    });

    test.afterAll(async () => {
      await server?.close();
      await copy?.remove();
    });

    test('opens, looks a profile up, navigates, and opens a deep link on reload', async ({ page }) => {
      const outside: string[] = [];
      page.context().on('request', (request) => {
        const url = request.url();
        if (/^https?:/.test(url) && !url.startsWith(base)) outside.push(url);
      });

      await openApp(page, base, DEMO);
      // The service worker serves this folder, whatever its path.
      expect(await serviceWorkerControls(page)).toBe(base);

      await lookUpProfile(page, 'Email', 'bobby.brown@example.com');
      await expect(profileName(page, 'Bobby Brown')).toBeVisible();

      await openNav(page, 'Datasets');
      await expect(page).toHaveURL(`${base}datasets/`);
      await openNav(page, 'Overview', DEMO);
      await expect(page).toHaveURL(base);

      await openApp(page, `${base}schemas/view/?name=Partner%20Data%20Enrichment`, 'Partner Data Enrichment');
      await expect(rowWithCell(page, 'partner.netWorth')).toContainText('THIRD_PARTY');
      await reloadApp(page, 'Partner Data Enrichment');
      await expect(rowWithCell(page, 'partner.netWorth')).toContainText('THIRD_PARTY');

      // A route typed without its trailing slash ends on the route (its relative paths need the slash).
      await page.goto(`${base}identities`);
      await onScreen(page, 'Identities');
      await expect(page).toHaveURL(`${base}identities/`);

      expect(outside).toEqual([]);
    });

    test('is installable from there: the manifest, its start URL and its icons', async ({ page }) => {
      await openApp(page, base, DEMO);
      const manifestUrl = await page
        .locator('link[rel="manifest"]')
        .evaluate((link: HTMLLinkElement) => link.href);
      expect(manifestUrl).toBe(`${base}manifest.webmanifest`);
      const response = await page.request.get(manifestUrl);
      expect(response.headers()['content-type']).toMatch(/^application\/manifest\+json/);
      const manifest = (await response.json()) as {
        start_url: string;
        scope: string;
        display: string;
        icons: { src: string; sizes: string; type: string; purpose: string }[];
      };
      expect(new URL(manifest.start_url, manifestUrl).href).toBe(base);
      expect(new URL(manifest.scope, manifestUrl).href).toBe(base);
      expect(manifest.display).toBe('standalone');
      expect(manifest.icons.map((i) => `${i.sizes} ${i.purpose}`)).toEqual(
        expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable'])
      );
      for (const icon of manifest.icons) {
        const image = await page.request.get(new URL(icon.src, manifestUrl).href);
        expect(image.status(), icon.src).toBe(200);
        expect(image.headers()['content-type'], icon.src).toBe(icon.type);
      }
      const touchIcon = await page
        .locator('link[rel="apple-touch-icon"]')
        .evaluate((link: HTMLLinkElement) => link.href);
      expect(touchIcon).toBe(`${base}icons/apple-touch-icon.png`);
      expect((await page.request.get(touchIcon)).status()).toBe(200);
    });
  });
}
