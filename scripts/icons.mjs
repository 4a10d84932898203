// Renders the app's PNG icons (static/icons/) from static/favicon.svg with the Chromium the e2e tests
// use, so the installed app, the home screen and the favicon are one drawing. The PNGs are committed;
// run this again only when favicon.svg changes: node scripts/icons.mjs
//
// - icon-192.png, icon-512.png: the favicon as it is (rounded corners, transparent outside them).
// - maskable-512.png, apple-touch-icon.png: full-bleed blue, the drawing shrunk into the middle 80%,
//   since Android crops a maskable icon to its own shape and iOS rounds a touch icon's corners itself.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './chromium.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = `${ROOT}static/icons/`;
const BLUE = '#1473e6';

const favicon = await readFile(`${ROOT}static/favicon.svg`, 'utf8');
const inner = /<svg[^>]*>([\s\S]*)<\/svg>/.exec(favicon)?.[1];
if (!inner) throw new Error('static/favicon.svg has no <svg> element to draw from.');
/** The drawing without its rounded background square. */
const glyph = inner.replace(/<rect\b[^>]*\/>/, '');

/** @param {number} size @param {string} body */
const svg = (size, body) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 32 32">${body}</svg>`;

// The safe zone of a maskable icon is a circle of 40% of its size around the centre: 0.8 keeps every
// point of the drawing (which reaches ~10 units from the centre) well inside it.
const fullBleed = `<rect width="32" height="32" fill="${BLUE}"/><g transform="translate(16 16) scale(0.8) translate(-16 -16)">${glyph}</g>`;

const ICONS = [
  { file: 'icon-192.png', size: 192, body: inner },
  { file: 'icon-512.png', size: 512, body: inner },
  { file: 'maskable-512.png', size: 512, body: fullBleed },
  { file: 'apple-touch-icon.png', size: 180, body: fullBleed }
];

const executablePath = findChromium();
if (!executablePath)
  throw new Error('No Chromium found: run "node scripts/ensure-chromium.mjs" or set CHROMIUM_PATH.');
const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
try {
  await mkdir(OUT, { recursive: true });
  for (const { file, size, body } of ICONS) {
    const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
    await page.setContent(
      `<!doctype html><html><body style="margin:0;background:transparent">${svg(size, body)}</body></html>`
    );
    const png = await page.locator('svg').screenshot({ omitBackground: true });
    await writeFile(`${OUT}${file}`, png);
    await page.close();
    console.log(`static/icons/${file}: ${size}x${size}, ${png.length} bytes`);
  }
} finally {
  await browser.close();
}
