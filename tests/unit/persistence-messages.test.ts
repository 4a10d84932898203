// What the page says about storage and about changes a closed tab did not save: the notes of
// client/interrupted.ts, the storage figures and the quota message of client/storage.svelte.ts.
import { beforeEach, expect, test, vi } from 'vitest';
import { clearChanges, dropChange, noteChange, takeInterrupted } from '../../src/lib/client/interrupted';
import { compactBytes, storageFullMessage } from '../../src/lib/client/storage.svelte';
import { isQuotaError } from '../../src/lib/client/store';

beforeEach(() => {
  const items = new Map<string, string>();
  vi.stubGlobal('localStorage', {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
    removeItem: (k: string) => void items.delete(k)
  });
});

test('storage figures are compact', () => {
  expect(compactBytes(0)).toBe('0 B');
  expect(compactBytes(999)).toBe('999 B');
  expect(compactBytes(950 * 1024)).toBe('950 KB');
  expect(compactBytes(13_000_000)).toBe('12.4 MB');
  expect(compactBytes(3.1 * 1024 ** 3)).toBe('3.1 GB');
  expect(compactBytes(250 * 1024 ** 3)).toBe('250 GB');
});

test('the quota message says how full the storage is and what to do', () => {
  expect(storageFullMessage(13_000_000, 13_100_000)).toBe(
    "Not saved: this browser's storage for Pocket CDP is full (12.4 MB used of 12.5 MB). Free space by deleting a sandbox, or by exporting one as a .sqlite file and then deleting it, under Sandboxes. The last saved state is kept; the latest change is only in this tab until a save succeeds."
  );
  expect(storageFullMessage(null, null)).toMatch(
    /^Not saved: this browser's storage for Pocket CDP is full\. /
  );
});

test('a quota failure is known by its name, thrown or as the transaction error', () => {
  expect(isQuotaError(new DOMException('full', 'QuotaExceededError'))).toBe(true);
  expect(isQuotaError({ name: 'QuotaExceededError', message: 'as tx.error' })).toBe(true);
  expect(isQuotaError(new DOMException('aborted', 'AbortError'))).toBe(false);
  expect(isQuotaError(null)).toBe(false);
});

test('an upload noted and never saved is reported once, by name', () => {
  noteChange('sbx-1', 4, { kind: 'upload', dataset: 'CRM Profiles', fileName: 'crm.csv' });
  expect(takeInterrupted('sbx-1', 4)).toBe(
    'The upload of crm.csv into "CRM Profiles" was interrupted; nothing of it was kept.'
  );
  expect(takeInterrupted('sbx-1', 4)).toBeNull();
});

test('a note the saved state already holds, or that a later save replaced, says nothing', () => {
  noteChange('sbx-2', 4, { kind: 'generate', dataset: 'Web Events' });
  // the tab went away between its save (revision 5) and clearing the note
  expect(takeInterrupted('sbx-2', 5)).toBeNull();
  noteChange('sbx-2', 5, { kind: 'generate', dataset: 'Web Events' });
  clearChanges('sbx-2');
  expect(takeInterrupted('sbx-2', 5)).toBeNull();
});

test('a change that changed nothing leaves no note; earlier unsaved ones are counted', () => {
  const noop = noteChange('sbx-3', 1, { kind: 'change', what: 'runActivationFlow' });
  dropChange('sbx-3', noop);
  expect(takeInterrupted('sbx-3', 1)).toBeNull();

  noteChange('sbx-3', 1, { kind: 'change', what: 'createAudience' });
  noteChange('sbx-3', 1, { kind: 'change', what: 'createPolicy' });
  noteChange('sbx-3', 1, { kind: 'generate', dataset: 'Web Events' });
  expect(takeInterrupted('sbx-3', 1)).toBe(
    'Generating records into "Web Events" was interrupted; none of them were kept. The 2 changes made just before it were not saved either.'
  );
  noteChange('sbx-3', 1, { kind: 'change', what: 'createAudience' });
  expect(takeInterrupted('sbx-3', 1)).toBe(
    'The change "create audience" was interrupted before it was saved; it was not kept.'
  );
});
