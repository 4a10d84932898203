// What is saved, and what the page says when saving meets the browser's limits: durable transactions,
// persistent storage asked for, storage used and free in the top bar, a full quota, a reload in the
// middle of an upload, and sandbox files refused on import.
import { truncate } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import initSqlJs from 'sql.js';
import { DEMO, expectSaved, fixture, openApp, reloadApp, writeBigCrmCsv } from './helpers';

/** What the init scripts below keep on window. */
interface Recorded {
  transactions: { stores: string[]; durability: string }[];
  persistCalls: number;
  usage: number;
  quotaFull: boolean;
}
const recorded = (page: Page) => page.evaluate(() => (window as unknown as { recorded: Recorded }).recorded);

const storageNote = (page: Page) => page.getByRole('note', { name: 'Browser storage', exact: true });
const history = (page: Page) => page.getByRole('table', { name: 'Batch history', exact: true });
const records = (page: Page) => page.getByTestId('dataset-records');

/** The saved sandboxes as IndexedDB holds them: revision, the size the metadata says, the bytes' size. */
function savedState(page: Page) {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((done, failed) => {
      const req = indexedDB.open('pocket-cdp');
      req.onsuccess = () => done(req.result);
      req.onerror = () => failed(new Error(String(req.error)));
    });
    const all = <T>(store: string) =>
      new Promise<T[]>((done, failed) => {
        const req = db.transaction(store).objectStore(store).getAll();
        req.onsuccess = () => done(req.result as T[]);
        req.onerror = () => failed(new Error(String(req.error)));
      });
    const metas = await all<{ id: string; revision: number; size: number }>('sandboxes');
    const bytes = await all<{ id: string; bytes: Blob | Uint8Array }>('sandboxBytes');
    db.close();
    return metas.map((m) => {
      const b = bytes.find((x) => x.id === m.id)?.bytes;
      const stored = b instanceof Blob ? b.size : (b?.byteLength ?? -1);
      return { id: m.id, revision: m.revision, size: m.size, stored };
    });
  });
}

test('saves wait for the disk, persistence is asked for once, and the top bar shows storage used and free', async ({
  page
}) => {
  await page.addInitScript(() => {
    const rec: Recorded = { transactions: [], persistCalls: 0, usage: 13_000_000, quotaFull: false };
    (window as unknown as { recorded: Recorded }).recorded = rec;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be called with the database as this
    const transaction = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (
      this: IDBDatabase,
      ...args: Parameters<typeof transaction>
    ) {
      const tx = transaction.apply(this, args);
      if (tx.mode === 'readwrite')
        rec.transactions.push({ stores: [...tx.objectStoreNames], durability: tx.durability });
      return tx;
    };
    StorageManager.prototype.persisted = () => Promise.resolve(false);
    StorageManager.prototype.persist = () => {
      rec.persistCalls += 1;
      return Promise.resolve(true);
    };
    StorageManager.prototype.estimate = () =>
      Promise.resolve({ usage: rec.usage, quota: 13_000_000 + 3.1 * 1024 ** 3 });
  });

  await openApp(page, '/datasets/view/?name=CRM%20Profiles', 'CRM Profiles');
  await expect(storageNote(page)).toHaveText('12.4 MB used · 3.1 GB free');
  await expect(storageNote(page)).toHaveAttribute('title', /^Persistent storage: /);

  // the next estimate is read after the next save
  await page.evaluate(() => ((window as unknown as { recorded: Recorded }).recorded.usage = 20_000_000));
  await page.getByLabel('Choose file', { exact: true }).setInputFiles(fixture('crm-customers.csv'));
  await expect(page.getByTestId('batch-report').locator('[data-status]')).toHaveText('Success');
  await expectSaved(page);
  await expect(storageNote(page)).toHaveText('19.1 MB used · 3.1 GB free');

  const rec = await recorded(page);
  expect(rec.persistCalls).toBe(1);
  // the writer claim when the sandbox opened, and the save of the upload
  const saves = rec.transactions.filter((t) => t.stores.includes('sandboxBytes'));
  expect(saves.length).toBeGreaterThanOrEqual(2);
  expect(saves.map((t) => t.durability)).toEqual(saves.map(() => 'strict'));
});

test('without a storage estimate the top bar shows no storage figures', async ({ page }) => {
  await page.addInitScript(() => {
    Reflect.deleteProperty(StorageManager.prototype, 'estimate');
  });
  await openApp(page, '/', DEMO);
  await expect(storageNote(page)).toHaveCount(0);
});

// A full origin fails a save in one of two ways: the put throws at once, or the transaction aborts
// later with QuotaExceededError as its error. Both are simulated on the write of a sandbox's bytes,
// which comes after the write of its metadata in the same transaction.
for (const how of ['thrown by the put', 'as the aborted transaction error'] as const) {
  test(`a save refused for quota (${how}) says so, and the last saved state stays whole`, async ({
    page
  }) => {
    await page.addInitScript((thrown) => {
      const rec: Recorded = { transactions: [], persistCalls: 0, usage: 0, quotaFull: false };
      (window as unknown as { recorded: Recorded }).recorded = rec;
      // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be called with the store as this
      const put = IDBObjectStore.prototype.put;
      const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<typeof put>) {
        if (!rec.quotaFull || this.name !== 'sandboxBytes') return put.apply(this, args);
        if (thrown) throw quota();
        const request = put.apply(this, args);
        const tx = this.transaction;
        Object.defineProperty(tx, 'error', { get: quota });
        tx.abort();
        return request;
      };
      StorageManager.prototype.estimate = () => Promise.resolve({ usage: 13_000_000, quota: 13_100_000 });
    }, how === 'thrown by the put');
    await openApp(page, '/datasets/view/?name=CRM%20Profiles', 'CRM Profiles');
    await expect(records(page)).toHaveText(/^[\d,]+$/);
    const before = await records(page).innerText();
    const saved = await savedState(page);

    await page.evaluate(() => ((window as unknown as { recorded: Recorded }).recorded.quotaFull = true));
    await page.getByLabel('Choose file', { exact: true }).setInputFiles(fixture('crm-customers.csv'));
    await expect(page.getByTestId('batch-report').locator('[data-status]')).toHaveText('Success');
    await expect(
      page.getByRole('status').filter({ hasText: /^\s*Not saved: storage full\s*$/ })
    ).toBeVisible();
    await expect(
      page.getByText(
        "Not saved: this browser's storage for Pocket CDP is full (12.4 MB used of 12.5 MB). Free space by deleting a sandbox, or by exporting one as a .sqlite file and then deleting it, under Sandboxes. The last saved state is kept; the latest change is only in this tab until a save succeeds.",
        { exact: true }
      )
    ).toBeVisible();
    // nothing of the failed save was written: not even its metadata
    expect(await savedState(page)).toEqual(saved);

    // a new page has no full quota: it opens the state saved before the upload (the page asks before
    // leaving changes that are only in this tab; the presenter leaves anyway)
    page.on('dialog', (dialog) => void dialog.accept());
    await reloadApp(page, 'CRM Profiles');
    await expect(records(page)).toHaveText(before);
    await expect(history(page).getByText('crm-customers.csv', { exact: true })).toHaveCount(0);
    const after = await savedState(page);
    expect(after.map(({ revision, size, stored }) => ({ revision, size, stored }))).toEqual(
      saved.map(({ revision, size, stored }) => ({ revision, size, stored }))
    );
    expect(after.every((s) => s.size === s.stored)).toBe(true);
  });
}

test('a reload in the middle of an upload opens the last saved state and says the upload was not kept', async ({
  page
}, testInfo) => {
  test.setTimeout(120_000);
  const file = testInfo.outputPath('crm.csv');
  await writeBigCrmCsv(file, 200_000);
  await openApp(page, '/datasets/view/?name=CRM%20Profiles', 'CRM Profiles');
  await expect(records(page)).toHaveText(/^[\d,]+$/);
  const before = await records(page).innerText();
  const batches = await history(page).getByTestId('batch-row').count();

  await page.getByLabel('Choose file', { exact: true }).setInputFiles(file);
  await expect(page.getByTestId('ingest-progress')).toContainText(/ of \d/);
  // the page asks before leaving mid-upload; a presenter who reloads anyway answers yes
  page.on('dialog', (dialog) => void dialog.accept());
  await reloadApp(page, 'CRM Profiles');

  const notice = page.getByText(
    'The upload of crm.csv into "CRM Profiles" was interrupted; nothing of it was kept.',
    { exact: true }
  );
  await expect(notice).toBeVisible();
  await expect(records(page)).toHaveText(before);
  await expect(history(page).getByTestId('batch-row')).toHaveCount(batches);
  await expect(history(page).getByText('crm.csv', { exact: true })).toHaveCount(0);

  // said once: the next visit has nothing to report
  await reloadApp(page, 'CRM Profiles');
  await expect(records(page)).toHaveText(before);
  await expect(notice).toHaveCount(0);
});

test.describe('a sandbox file from elsewhere is refused with the reason', () => {
  const importInput = (page: Page) =>
    page.getByLabel('Import a sandbox from a .sqlite file', { exact: true });
  const refusal = (page: Page) => page.getByRole('alert');

  test('a file over the size limit, before it is read', async ({ page }, testInfo) => {
    // sparse: a gigabyte that takes no disk, and that nobody reads if the size is checked first
    const file = testInfo.outputPath('huge.sqlite');
    await (await import('node:fs/promises')).writeFile(file, '');
    await truncate(file, 1024 ** 3 + 1);
    await openApp(page, '/sandboxes/', 'Sandboxes');
    await importInput(page).setInputFiles(file);
    await expect(refusal(page)).toHaveText(
      '"huge.sqlite" is 1,073,741,825 bytes; a sandbox file can be at most 1,073,741,824 bytes (1 GiB), because the whole database is held in memory: it was not read.'
    );
  });

  test('a newer format version, and an object no sandbox has', async ({ page }) => {
    const SQL = await initSqlJs();
    const newer = new SQL.Database();
    newer.run('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); PRAGMA user_version = 99');
    const newerBytes = Buffer.from(newer.export());
    newer.close();

    await openApp(page, '/sandboxes/', 'Sandboxes');
    await importInput(page).setInputFiles({
      name: 'from-the-future.sqlite',
      mimeType: 'application/vnd.sqlite3',
      buffer: newerBytes
    });
    await expect(refusal(page)).toHaveText(
      /^This file was saved by a newer Pocket CDP \(format 99; this app opens formats 1 to \d+\): update the app to open it: it was not opened\.$/
    );

    // the demo sandbox, exported, with one table added by hand
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: `Export ${DEMO} as .sqlite`, exact: true }).click();
    const exported = await (await downloading).path();
    const { readFile } = await import('node:fs/promises');
    const tampered = new SQL.Database(await readFile(exported));
    tampered.run('CREATE TABLE extra_notes (note TEXT)');
    const tamperedBytes = Buffer.from(tampered.export());
    tampered.close();
    await importInput(page).setInputFiles({
      name: 'tampered.sqlite',
      mimeType: 'application/vnd.sqlite3',
      buffer: tamperedBytes
    });
    await expect(refusal(page)).toHaveText(
      /^This file holds a table "extra_notes", which a Pocket CDP sandbox \(format \d+\) does not define: it was not opened\.$/
    );
    // neither became a sandbox
    await expect(page.getByTestId('sandbox-row')).toHaveCount(1);
  });
});
