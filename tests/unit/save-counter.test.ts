// The host's change counter (engine/host.ts changes()): what the client compares after each write to
// decide whether the sandbox needs saving. Real sql.js, the host the worker exposes.
import { expect, test } from 'vitest';
import { createHost } from '../../src/lib/engine/host';
import { openSandbox } from '../../src/lib/engine/index';
import { MAX_SANDBOX_BYTES } from '../../src/lib/engine/types';

async function openHost() {
  const host = createHost();
  await host.open({ template: 'empty' });
  return host;
}

const namespace = (code: string) => ({ code, name: `${code} id`, type: 'person' as const });

test('reads and refused writes leave the change counter where it was', async () => {
  const host = await openHost();
  const start = await host.changes();
  await host.call('namespaces');
  await host.call('summary');
  await expect(host.call('createDataset', { name: 'Orphan', schema: 'No such schema' })).rejects.toThrow();
  await expect(host.call('createNamespace', { code: '', name: '', type: 'person' })).rejects.toThrow();
  expect(await host.changes()).toBe(start);
});

test('a write moves the change counter, and an export does not set it back', async () => {
  const host = await openHost();
  const start = await host.changes();
  await host.call('createNamespace', namespace('LoyaltyA'));
  const afterWrite = await host.changes();
  expect(afterWrite).toBeGreaterThan(start);

  // an export must not restart the count (older sql.js reopened the database to export it)
  const bytes = await host.call('export');
  expect(bytes.byteLength).toBeGreaterThan(0);
  expect(await host.changes()).toBe(afterWrite);

  await host.call('createNamespace', namespace('LoyaltyB'));
  const afterSecond = await host.changes();
  expect(afterSecond).toBeGreaterThan(afterWrite);
  await host.call('export');
  await host.call('export');
  expect(await host.changes()).toBe(afterSecond);
});

test('a count asked for behind a queued write counts that write', async () => {
  const host = await openHost();
  const start = await host.changes();
  // not awaited in between: the engine runs calls in the order made, as the client may make them
  const [, counted] = await Promise.all([
    host.call('createNamespace', namespace('LoyaltyC')),
    host.changes()
  ]);
  expect(counted).toBeGreaterThan(start);
});

test('a sandbox file past MAX_SANDBOX_BYTES is refused before it is read', async () => {
  // zero-filled and never touched: the check is on its length, before sql.js copies a byte of it
  const tooBig = new Uint8Array(MAX_SANDBOX_BYTES + 1);
  const refused = openSandbox({ bytes: tooBig });
  await expect(refused).rejects.toMatchObject({
    code: 'invalid_sandbox',
    message:
      'This file is 1,024.1 MiB; a sandbox file can be at most 1,024 MiB, because the whole database is held in memory: it was not opened.'
  });
  const host = createHost();
  await expect(host.open({ bytes: tooBig })).rejects.toMatchObject({ code: 'invalid_sandbox' });
});
